package io.boxoffice.testkit.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BookingNodeAppTest {

    @TempDir
    Path repository;

    @Test
    void the_jar_is_found_from_any_module_directory_and_copied_privately() throws Exception {
        Path app = Files.createDirectories(repository.resolve("booking-node/target/quarkus-app/lib"));
        Path jar = Files.writeString(app.getParent().resolve("quarkus-run.jar"), "jar");
        Files.writeString(app.resolve("dependency.jar"), "lib");
        Path module = Files.createDirectories(repository.resolve("verifier/target"));
        assertThat(BookingNodeApp.find(module)).contains(jar);
        assertThat(BookingNodeApp.find(repository)).contains(jar);
        assertThat(BookingNodeApp.find(Files.createTempDirectory("elsewhere"))).isEmpty();

        Path copy = BookingNodeApp.privateCopy(jar, repository.resolve("run/app"));
        assertThat(copy).isEqualTo(repository.resolve("run/app/quarkus-run.jar"));
        Files.delete(jar);
        assertThat(Files.readString(copy)).isEqualTo("jar");
        assertThat(Files.readString(repository.resolve("run/app/lib/dependency.jar"))).isEqualTo("lib");
    }
}
