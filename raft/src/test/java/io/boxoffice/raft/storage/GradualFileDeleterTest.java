package io.boxoffice.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GradualFileDeleterTest {

    @TempDir
    Path directory;

    @Test
    void a_file_larger_than_many_steps_is_deleted() throws Exception {
        Path file = directory.resolve("big.snap");
        Files.write(file, new byte[10_000 + 7]);

        GradualFileDeleter.delete(file, 0, 1_000);

        assertThat(file).doesNotExist();
    }

    @Test
    void a_file_smaller_than_one_step_is_deleted() throws Exception {
        Path file = directory.resolve("small.snap");
        Files.write(file, new byte[10]);

        GradualFileDeleter.delete(file, 1_000_000, 1_000);

        assertThat(file).doesNotExist();
    }

    @Test
    void a_file_already_gone_is_not_an_error() throws Exception {
        GradualFileDeleter.delete(directory.resolve("missing.snap"), 0, 1_000);

        assertThat(directory.resolve("missing.snap")).doesNotExist();
    }

    @Test
    void an_interrupted_deletion_stops_and_leaves_the_rest() throws Exception {
        Path file = directory.resolve("paced.snap");
        Files.write(file, new byte[10_000]);
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> GradualFileDeleter.delete(file, 1, 1_000))
                    .isInstanceOf(InterruptedException.class);
        } finally {
            Thread.interrupted();
        }
        assertThat(file).exists();
    }
}
