package io.boxoffice.testkit.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where a live test keeps its node logs: {@code target/live-logs/<test>}, emptied at the start, kept after the run. */
public final class LogDirectory {

    private LogDirectory() {
    }

    public static Path fresh(String test) {
        Path directory = Path.of("target", "live-logs", test).toAbsolutePath();
        try {
            if (Files.isDirectory(directory)) {
                try (var old = Files.list(directory)) {
                    for (Path file : old.toList()) {
                        Files.delete(file);
                    }
                }
            }
            return Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + directory, e);
        }
    }
}
