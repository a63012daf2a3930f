package io.boxoffice.cli.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * {@code --status-file}: the run's counters as {@code key=value} lines, replaced twice a second, for a script
 * that watches a long run (scripts/soak.sh). Each version is written beside the file and renamed over it, so a
 * reader never sees half a file. The last version says {@code phase=done}.
 */
final class BenchStatusFile {

    private final Path path;
    private final Path temporary;
    private final PrintWriter warnings;
    private boolean warned;

    BenchStatusFile(Path path, PrintWriter warnings) {
        this.path = path;
        this.temporary = path.resolveSibling(path.getFileName() + ".tmp");
        this.warnings = warnings;
    }

    /** Replaces the file; a failure is reported once on the warnings stream and the run goes on. */
    void write(Map<String, String> values) {
        StringBuilder text = new StringBuilder();
        values.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        try {
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (!warned) {
                warned = true;
                warnings.println("\nbench: cannot write the status file " + path + ": " + e);
                warnings.flush();
            }
        }
    }

    /** The key=value lines of a status file (for tests and readers in Java). */
    static Map<String, String> read(Path path) throws IOException {
        Map<String, String> values = new java.util.LinkedHashMap<>();
        for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
            int equals = line.indexOf('=');
            if (equals > 0) {
                values.put(line.substring(0, equals), line.substring(equals + 1));
            }
        }
        return values;
    }
}
