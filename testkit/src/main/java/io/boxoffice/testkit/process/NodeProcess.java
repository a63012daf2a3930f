package io.boxoffice.testkit.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One node as a real JVM process: the only launcher of the live tests and the verifier. It starts
 * {@code [prefix] java <jvm options> -D… (-jar JAR | -cp CLASSPATH MAIN) ARGS} from a {@link Spec}, and
 * restarts the same spec after a kill (the node keeps its data directory, as a restarted pod keeps its
 * volume). Faults act on the real process: SIGKILL (no shutdown hook runs, nothing in the JVM survives),
 * SIGSTOP/SIGCONT (peers see silence, like a long GC pause), SIGTERM (graceful stop). A prefix such as
 * {@code ip netns exec POD} execs, so the process handle is the JVM itself.
 *
 * <p>Output is appended to the spec's log file, which failures quote ({@link #logTail}); a spec with a
 * {@link Builder#stdoutLines stdout consumer} hands each stdout line to it instead (a child that answers on
 * stdout) and appends only stderr to the log.
 *
 * <p>Thread-safe: start, stop and signals are serialised on this object.
 */
public final class NodeProcess implements AutoCloseable {

    private static final Duration KILL_BOUND = Duration.ofSeconds(10);

    private final Spec spec;
    private Process process;
    private boolean paused;
    private boolean stoppedOnPurpose;
    private int starts;

    private NodeProcess(Spec spec) {
        this.spec = spec;
    }

    /** What to run; {@link #builder} makes one. */
    public record Spec(String name, List<String> command, Map<String, String> environment,
                       List<String> clearedEnvironmentPrefixes, Path logFile, Consumer<String> stdoutLines) {
        public Spec {
            command = List.copyOf(command);
            environment = Map.copyOf(environment);
            clearedEnvironmentPrefixes = List.copyOf(clearedEnvironmentPrefixes);
        }
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Builds a {@link Spec}: a small test JVM (serial GC, C1 only) unless other JVM options are given. */
    public static final class Builder {
        private final String name;
        private final List<String> prefix = new ArrayList<>();
        private Path javaExecutable = currentJava();
        private final List<String> jvmOptions = new ArrayList<>(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        private int heapMegabytes = 256;
        private final Map<String, String> systemProperties = new LinkedHashMap<>();
        private List<String> main = List.of();
        private final List<String> arguments = new ArrayList<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final List<String> clearedPrefixes = new ArrayList<>();
        private Path logFile;
        private Consumer<String> stdoutLines;

        private Builder(String name) {
            this.name = name;
        }

        /** Runs the JVM behind this prefix, e.g. {@code ip netns exec POD}. */
        public Builder prefix(List<String> command) {
            prefix.clear();
            prefix.addAll(command);
            return this;
        }

        /** The java to run (default: the one running this JVM). */
        public Builder java(Path executable) {
            javaExecutable = executable;
            return this;
        }

        public Builder heapMegabytes(int megabytes) {
            heapMegabytes = megabytes;
            return this;
        }

        /**
         * The JVM as the launcher and the images ship it (the JVM's own GC and both compilers), instead of the small
         * test JVM: for measurements, where C1-only code would be several times slower than production.
         */
        public Builder shippedJvm() {
            jvmOptions.removeAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
            return this;
        }

        /** JVM options after the defaults (serial GC, C1 only, unless {@link #shippedJvm()}) and {@code -Xmx}. */
        public Builder jvmOptions(String... options) {
            jvmOptions.addAll(List.of(options));
            return this;
        }

        /** {@code -Dkey=value} for each entry, in order (Quarkus reads its configuration from them). */
        public Builder systemProperties(Map<String, String> properties) {
            systemProperties.putAll(properties);
            return this;
        }

        public Builder jar(Path jar) {
            main = List.of("-jar", jar.toString());
            return this;
        }

        public Builder mainClass(String className, String classpath) {
            main = List.of("-cp", classpath, className);
            return this;
        }

        public Builder arguments(String... values) {
            arguments.addAll(List.of(values));
            return this;
        }

        /** Added to (and overriding) this JVM's environment. */
        public Builder environment(Map<String, String> variables) {
            environment.putAll(variables);
            return this;
        }

        /** Variables of this JVM starting with one of these are not passed on (a developer's BOXOFFICE_*). */
        public Builder withoutInheritedEnvironment(String... prefixes) {
            clearedPrefixes.addAll(List.of(prefixes));
            return this;
        }

        /** Where output is appended; the parent directory is created. */
        public Builder logFile(Path file) {
            logFile = file;
            return this;
        }

        /** Each stdout line goes to {@code consumer} (on a reader thread); stderr still goes to the log. */
        public Builder stdoutLines(Consumer<String> consumer) {
            stdoutLines = consumer;
            return this;
        }

        public Spec spec() {
            if (main.isEmpty()) {
                throw new IllegalStateException(name + ": give jar(...) or mainClass(...)");
            }
            if (logFile == null) {
                throw new IllegalStateException(name + ": give logFile(...)");
            }
            List<String> command = new ArrayList<>(prefix);
            command.add(javaExecutable.toString());
            command.add("-Xmx" + heapMegabytes + "m");
            command.addAll(jvmOptions);
            if (javaExecutable.equals(currentJava()) && Runtime.version().feature() >= 24) {
                // JEP 498: gRPC's shaded Netty would print sun.misc.Unsafe warnings into every node log.
                command.add("--sun-misc-unsafe-memory-access=allow");
            }
            systemProperties.forEach((key, value) -> command.add("-D" + key + "=" + value));
            command.addAll(main);
            command.addAll(arguments);
            return new Spec(name, command, environment, clearedPrefixes, logFile, stdoutLines);
        }

        /** The process, not started yet. */
        public NodeProcess build() {
            return new NodeProcess(spec());
        }

        /** Builds and starts it. */
        public NodeProcess start() {
            NodeProcess node = build();
            node.start();
            return node;
        }
    }

    /** The java executable running this JVM. */
    public static Path currentJava() {
        return Path.of(ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    }

    public String name() {
        return spec.name();
    }

    public Spec spec() {
        return spec;
    }

    public Path logFile() {
        return spec.logFile();
    }

    /** Starts the process (again, after it ended); throws when it is running. */
    public synchronized void start() {
        if (isAlive()) {
            throw new IllegalStateException(name() + " is already running as pid " + process.pid());
        }
        ProcessBuilder builder = new ProcessBuilder(spec.command());
        builder.environment().keySet().removeIf(key -> spec.clearedEnvironmentPrefixes().stream()
                .anyMatch(key::startsWith));
        builder.environment().putAll(spec.environment());
        try {
            Files.createDirectories(spec.logFile().toAbsolutePath().getParent());
            Files.writeString(spec.logFile(), "==== start " + (++starts) + " of " + name() + ": "
                    + String.join(" ", spec.command()) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            if (spec.stdoutLines() == null) {
                builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(spec.logFile().toFile()));
            } else {
                builder.redirectError(ProcessBuilder.Redirect.appendTo(spec.logFile().toFile()));
            }
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name() + ": " + spec.command(), e);
        }
        paused = false;
        stoppedOnPurpose = false;
        if (spec.stdoutLines() != null) {
            Process started = process;
            Thread.ofPlatform().daemon().name(name() + "-stdout").start(() -> readLines(started));
        }
    }

    private void readLines(Process started) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(started.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                spec.stdoutLines().accept(line);
            }
        } catch (IOException e) {
            // The process ended; its exit is visible through isAlive().
        }
    }

    /** The process's stdin (for a child that reads requests from it). */
    public synchronized OutputStream stdin() {
        requireStarted();
        return process.getOutputStream();
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    public synchronized boolean isPaused() {
        return paused;
    }

    /** The pid of the current (or last) start, -1 before the first. */
    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    public synchronized int exitValue() {
        requireStarted();
        return process.exitValue();
    }

    /** Whether the process ended without this object stopping it (a crash). */
    public synchronized boolean exitedUnexpectedly() {
        return process != null && !process.isAlive() && !stoppedOnPurpose;
    }

    /**
     * A description of the exit when the process ended on its own, else empty. Reported once: the exit then
     * counts as seen.
     */
    public synchronized Optional<String> takeUnexpectedExit() {
        if (!exitedUnexpectedly()) {
            return Optional.empty();
        }
        stoppedOnPurpose = true;
        return Optional.of(name() + " (pid " + process.pid() + ") exited on its own with status "
                + process.exitValue() + "; see " + spec.logFile());
    }

    /** SIGKILL, then waits until the process is gone; throws if it survives 10 s. */
    public synchronized void kill() {
        if (!isAlive()) {
            return;
        }
        stoppedOnPurpose = true;
        process.destroyForcibly();
        if (!awaitExit(KILL_BOUND)) {
            throw new IllegalStateException(name() + " (pid " + process.pid() + ") survived SIGKILL for "
                    + KILL_BOUND.toSeconds() + " s");
        }
        paused = false;
    }

    /**
     * SIGTERM (a graceful stop: the node fails readiness and hands over leadership first), after resuming a
     * paused process; waits up to {@code bound}. Returns whether it exited.
     */
    public synchronized boolean terminate(Duration bound) {
        if (!isAlive()) {
            return true;
        }
        if (paused) {
            resume();
        }
        stoppedOnPurpose = true;
        process.destroy();
        return awaitExit(bound);
    }

    /** SIGSTOP: the process is frozen until {@link #resume}. */
    public synchronized void pause() {
        if (isAlive() && !paused) {
            Shell.run("kill", "-STOP", Long.toString(process.pid()));
            paused = true;
        }
    }

    /** SIGCONT. */
    public synchronized void resume() {
        if (isAlive() && paused) {
            Shell.run("kill", "-CONT", Long.toString(process.pid()));
        }
        paused = false;
    }

    /** Waits up to {@code bound} for the process to end; whether it did. */
    public boolean waitForExit(Duration bound) {
        Process current;
        synchronized (this) {
            requireStarted();
            current = process;
        }
        try {
            return current.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private boolean awaitExit(Duration bound) {
        try {
            return process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The last {@code lines} lines of the log, for failure messages. */
    public String logTail(int lines) {
        return tail(spec.logFile(), lines);
    }

    /** The last {@code lines} lines of a text file, or a note saying why there are none. */
    public static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e + ")";
        }
    }

    private void requireStarted() {
        if (process == null) {
            throw new IllegalStateException(name() + " was never started");
        }
    }

    /** Kills the process if it still runs. */
    @Override
    public synchronized void close() {
        if (paused) {
            resume();
        }
        kill();
    }

    @Override
    public String toString() {
        return name() + (process == null ? " (not started)" : " (pid " + process.pid() + (isAlive() ? ")" : ", exited)"));
    }
}
