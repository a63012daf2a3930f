package io.boxoffice.booking.testing;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A {@code @QuarkusTest} against the one-node cluster of {@link SingleNodeClusterResource}. Tagged
 * {@code quarkus}: the build runs these in their own JVM, apart from the plain unit tests.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@QuarkusTest
@QuarkusTestResource(value = SingleNodeClusterResource.class, restrictToAnnotatedClass = false)
@Tag("quarkus")
public @interface NodeTest {
}
