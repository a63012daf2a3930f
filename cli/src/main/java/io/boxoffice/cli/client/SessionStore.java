package io.boxoffice.cli.client;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Keeps the login session in one file readable only by its owner ({@code ~/.config/bookingctl/session},
 * mode 0600, directory 0700). Written atomically: a crash leaves either the old session or the new one.
 */
public final class SessionStore {

    private final Path file;

    public SessionStore(Path file) {
        this.file = file;
    }

    /**
     * The session file: {@code $BOOKINGCTL_CONFIG_DIR/session}, else {@code $XDG_CONFIG_HOME/bookingctl/session},
     * else {@code ~/.config/bookingctl/session}.
     */
    public static SessionStore fromEnvironment(Map<String, String> env) {
        String configDir = env.get("BOOKINGCTL_CONFIG_DIR");
        Path dir;
        if (configDir != null && !configDir.isBlank()) {
            dir = Path.of(configDir);
        } else if (env.get("XDG_CONFIG_HOME") != null && !env.get("XDG_CONFIG_HOME").isBlank()) {
            dir = Path.of(env.get("XDG_CONFIG_HOME"), "bookingctl");
        } else {
            dir = Path.of(System.getProperty("user.home"), ".config", "bookingctl");
        }
        return new SessionStore(dir.resolve("session"));
    }

    public Path file() {
        return file;
    }

    public Optional<Session> load() {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the session file " + file + ": " + e.getMessage(), e);
        }
        String token = properties.getProperty("token", "");
        if (token.isBlank()) {
            return Optional.empty();
        }
        List<String> roles = Arrays.stream(properties.getProperty("roles", "").split(","))
                .map(String::trim).filter(role -> !role.isEmpty()).toList();
        long expires;
        try {
            expires = Long.parseLong(properties.getProperty("expires_at_millis", "0"));
        } catch (NumberFormatException e) {
            expires = 0;
        }
        return Optional.of(new Session(token, properties.getProperty("username", ""),
                properties.getProperty("user_id", ""), roles, expires));
    }

    public void save(Session session) {
        Properties properties = new Properties();
        properties.setProperty("token", session.token());
        properties.setProperty("username", session.username());
        properties.setProperty("user_id", session.userId());
        properties.setProperty("roles", String.join(",", session.roles()));
        properties.setProperty("expires_at_millis", Long.toString(session.expiresAtMillis()));
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
            Path temporary = Files.createTempFile(dir, "session", ".tmp", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
            try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                properties.store(writer, "bookingctl session: keep private");
            }
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the session file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Forgets the session; true when there was one. */
    public boolean clear() {
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the session file " + file + ": " + e.getMessage(), e);
        }
    }
}
