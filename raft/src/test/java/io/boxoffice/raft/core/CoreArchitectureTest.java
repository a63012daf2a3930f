package io.boxoffice.raft.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The Raft core must stay a deterministic state machine (STYLE.md §1): no I/O, threads, clocks or
 * randomness of its own, and no dependency on the adapters or on protobuf.
 */
class CoreArchitectureTest {

    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.boxoffice.raft.core");

    private static void check(ArchRule rule) {
        rule.check(CORE);
    }

    @Test
    void core_does_no_io() {
        check(noClasses().that().resideInAPackage("io.boxoffice.raft.core..")
                .should().dependOnClassesThat().resideInAnyPackage("java.io..", "java.nio.file..", "java.nio.channels..",
                        "java.net..", "java.sql..")
                .because("the core must not touch files or sockets; the driver persists and sends Readies"));
    }

    @Test
    void core_owns_no_threads_or_concurrency() {
        check(noClasses().that().resideInAPackage("io.boxoffice.raft.core..")
                .should().dependOnClassesThat().resideInAnyPackage("java.util.concurrent..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName(Thread.class.getName())
                .orShould().dependOnClassesThat().haveFullyQualifiedName(Runnable.class.getName())
                .because("one driver thread calls the core; it must never start or block threads"));
    }

    @Test
    void core_reads_no_clock_and_no_randomness() {
        check(noClasses().that().resideInAPackage("io.boxoffice.raft.core..")
                .should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().dependOnClassesThat().resideInAnyPackage("java.time..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName(java.util.Random.class.getName())
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.security.SecureRandom")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.ThreadLocalRandom")
                .orShould().callMethod(Math.class, "random")
                .because("time arrives as ticks and randomness through the injected RandomSource"));
    }

    @Test
    void core_depends_on_no_adapter_or_wire_format() {
        check(noClasses().that().resideInAPackage("io.boxoffice.raft.core..")
                .should().dependOnClassesThat().resideInAnyPackage("io.boxoffice.raft.storage..",
                        "io.boxoffice.raft.transport..", "io.boxoffice.raft.server..", "io.boxoffice.proto..",
                        "com.google.protobuf..", "io.grpc..", "org.rocksdb..", "org.jboss.logging..")
                .because("protobuf conversion lives only in the gRPC adapter"));
    }
}
