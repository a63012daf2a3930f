package io.boxoffice.booking.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One packaged booking node ({@code target/quarkus-app/quarkus-run.jar}) in its own JVM, configured through
 * {@code BOXOFFICE_*} environment variables as the Helm chart does, optionally behind a command prefix
 * ({@code ip netns exec <pod>}, which execs, so the process is the JVM itself). Output goes to a log file
 * that failing tests print. For the live multi-process tests ({@code *IT}).
 */
public final class BookingNodeJvm implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path logFile;

    private BookingNodeJvm(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
    }

    /** The runnable jar built by {@code package}; fails with the command that builds it when missing. */
    public static Path jar() {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing; build it first: ./mvnw -B package -pl booking-node "
                    + "-DskipTests (failsafe runs after package, so ./mvnw verify -pl booking-node builds it)");
        }
        return jar;
    }

    /** A fresh {@code target/live-logs/<test>} directory for the node logs of one test run. */
    public static Path logDirectory(String test) {
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

    /**
     * Starts {@code prefix java -Xmx<heap>m ... -jar quarkus-run.jar} with {@code environment} added to this
     * JVM's; no DNS flags, so the node's own DNS cache policy is what runs.
     */
    public static BookingNodeJvm start(String name, List<String> prefix, Map<String, String> environment,
                                       int heapMegabytes, Path logFile) {
        List<String> command = new ArrayList<>(prefix);
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(List.of("-Xmx" + heapMegabytes + "m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Xss512k", "-XX:MaxMetaspaceSize=128m", "-jar", jar().toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().putAll(environment);
        try {
            Files.writeString(logFile, "---- start " + name + ": " + String.join(" ", command) + "\n",
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            return new BookingNodeJvm(name, builder.start(), logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM, as Kubernetes sends after the preStop hook; waits up to {@code bound} for the exit. */
    public boolean terminate(Duration bound) throws InterruptedException {
        process.destroy();
        return process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** SIGKILL and wait for the exit. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    public boolean waitForExit(Duration bound) throws InterruptedException {
        return process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The last {@code lines} lines of the node's output, for failure messages. */
    public String logTail(int lines) {
        return tail(logFile, lines);
    }

    public static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Kills the JVM if it still runs (the test's own process, by its handle). */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
