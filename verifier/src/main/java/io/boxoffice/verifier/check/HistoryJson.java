package io.boxoffice.verifier.check;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Histories as JSON Lines: one {@link ClientOperation} per line, so a crashed run still leaves every
 * operation that completed, and {@code jq} can slice a history.
 */
public final class HistoryJson {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private HistoryJson() {
    }

    public static String toLine(ClientOperation operation) {
        try {
            return MAPPER.writeValueAsString(operation);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode operation " + operation.index(), e);
        }
    }

    public static ClientOperation fromLine(String line) {
        try {
            return MAPPER.readValue(line, ClientOperation.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a history line: " + line, e);
        }
    }

    public static void write(Path file, List<ClientOperation> history) {
        StringBuilder text = new StringBuilder();
        for (ClientOperation operation : history) {
            text.append(toLine(operation)).append('\n');
        }
        try {
            Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write history " + file, e);
        }
    }

    /** Reads a history; blank lines are skipped, a malformed line fails with its line number. */
    public static List<ClientOperation> read(Path file) {
        List<ClientOperation> history = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    history.add(fromLine(line));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + ":" + number + ": " + e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read history " + file, e);
        }
        return history;
    }
}
