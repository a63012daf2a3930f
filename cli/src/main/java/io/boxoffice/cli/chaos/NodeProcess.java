package io.boxoffice.cli.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One booking-node JVM in its network namespace. Faults act on the real process: SIGKILL (no shutdown hook,
 * unsynced page cache survives but nothing in the JVM does), SIGSTOP/SIGCONT (a frozen process: its peers
 * see silence, exactly like a long GC pause), SIGTERM (graceful stop with leadership transfer).
 *
 * <p>Not thread-safe: the harness drives one node from one thread at a time.
 */
final class NodeProcess {

    private final String nodeId;
    private final int slot;
    private final String namespace;
    private final List<String> command;
    private final Path logFile;
    private final Path dataDirectory;
    private Process process;
    private boolean paused;
    private boolean stoppedByHarness;
    private int starts;

    NodeProcess(String nodeId, int slot, String namespace, List<String> command, Path logFile, Path dataDirectory) {
        this.nodeId = nodeId;
        this.slot = slot;
        this.namespace = namespace;
        this.command = List.copyOf(command);
        this.logFile = logFile;
        this.dataDirectory = dataDirectory;
    }

    /**
     * The command that starts a node: {@code ip netns exec <ns> java ... -jar quarkus-run.jar}, with every
     * setting as a system property.
     */
    static List<String> command(String namespace, Path javaExecutable, Path nodeJar, long heapMegabytes,
                                Map<String, String> settings) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace, javaExecutable.toString(),
                "-Xmx" + heapMegabytes + "m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.net.preferIPv4Stack=true"));
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(nodeJar.toString());
        return command;
    }

    String nodeId() {
        return nodeId;
    }

    int slot() {
        return slot;
    }

    String namespace() {
        return namespace;
    }

    Path dataDirectory() {
        return dataDirectory;
    }

    Path logFile() {
        return logFile;
    }

    synchronized void start() {
        if (isAlive()) {
            throw new IllegalStateException("node " + nodeId + " is already running as pid " + process.pid());
        }
        try {
            Files.createDirectories(logFile.getParent());
            Files.writeString(logFile, "=== start " + (++starts) + " of " + nodeId + ": " + String.join(" ", command)
                    + "\n", java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
            paused = false;
            stoppedByHarness = false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node " + nodeId, e);
        }
    }

    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    synchronized boolean isPaused() {
        return paused;
    }

    synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    /**
     * A description of the node's exit when it ended without the harness stopping it (a crash), else null.
     * Reported once: the exit is then treated as seen.
     */
    synchronized String takeUnexpectedExit() {
        if (process == null || process.isAlive() || stoppedByHarness) {
            return null;
        }
        stoppedByHarness = true;
        return nodeId + " (pid " + process.pid() + ") exited on its own with status " + process.exitValue()
                + "; see " + logFile;
    }

    /** SIGKILL and wait for the process to be gone. */
    synchronized void kill() {
        if (!isAlive()) {
            return;
        }
        stoppedByHarness = true;
        process.destroyForcibly();
        awaitExit(10);
        paused = false;
    }

    /** SIGTERM (graceful stop: readiness off, leadership transfer, close) and wait up to {@code seconds}. */
    synchronized boolean terminate(long seconds) {
        if (!isAlive()) {
            return true;
        }
        if (paused) {
            resume();
        }
        stoppedByHarness = true;
        process.destroy();
        return awaitExit(seconds);
    }

    synchronized void pause() {
        if (isAlive() && !paused) {
            Shell.run("kill", "-STOP", Long.toString(process.pid()));
            paused = true;
        }
    }

    synchronized void resume() {
        if (isAlive() && paused) {
            Shell.run("kill", "-CONT", Long.toString(process.pid()));
        }
        paused = false;
    }

    private boolean awaitExit(long seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Deletes the data directory (a lost volume). The process must be stopped. */
    synchronized void wipeData() {
        if (isAlive()) {
            throw new IllegalStateException("cannot wipe the data of running node " + nodeId);
        }
        deleteRecursively(dataDirectory);
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
