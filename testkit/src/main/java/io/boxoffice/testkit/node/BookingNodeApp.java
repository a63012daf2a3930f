package io.boxoffice.testkit.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The packaged booking node ({@code booking-node/target/quarkus-app/quarkus-run.jar}) that live tests and the
 * verifier run. Found through {@code -Dboxoffice.node.jar}, else from the working directory upwards (module
 * directories and the repository root both work).
 */
public final class BookingNodeApp {

    static final String JAR_IN_REPOSITORY = "booking-node/target/quarkus-app/quarkus-run.jar";
    private static final String BUILD_HINT = "build it with ./mvnw -B -pl booking-node -am package -DskipTests "
            + "(./mvnw verify builds it before the live tests)";

    private BookingNodeApp() {
    }

    /** The runnable jar; fails with the command that builds it when it is missing. */
    public static Path jar() {
        String configured = System.getProperty("boxoffice.node.jar");
        if (configured != null && !configured.isBlank()) {
            Path jar = Path.of(configured).toAbsolutePath();
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " (-Dboxoffice.node.jar) is missing; " + BUILD_HINT);
            }
            return jar;
        }
        return find(Path.of("").toAbsolutePath()).orElseThrow(() -> new IllegalStateException(
                JAR_IN_REPOSITORY + " not found from " + Path.of("").toAbsolutePath() + "; " + BUILD_HINT));
    }

    /** Whether the node is packaged (for tests that skip rather than fail without it). */
    public static boolean isPackaged() {
        try {
            jar();
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    static Optional<Path> find(Path start) {
        for (Path directory = start; directory != null; directory = directory.getParent()) {
            Path candidate = directory.resolve(JAR_IN_REPOSITORY);
            if (Files.isRegularFile(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * A private copy of the packaged app (hard links where the file system allows) whose jar every start and
     * restart of a run uses: a rebuild of {@code target/} during the run cannot change or remove it.
     */
    public static Path privateCopy(Path jar, Path directory) {
        Path app = jar.getParent();
        try (Stream<Path> paths = Files.walk(app)) {
            for (Path source : paths.toList()) {
                Path target = directory.resolve(app.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                    continue;
                }
                try {
                    Files.createLink(target, source);
                } catch (IOException | UnsupportedOperationException e) {
                    Files.copy(source, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + app + " to " + directory, e);
        }
        return directory.resolve(jar.getFileName().toString());
    }
}
