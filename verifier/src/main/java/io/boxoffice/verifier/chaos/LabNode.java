package io.boxoffice.verifier.chaos;

import io.boxoffice.testkit.node.MemberIds;
import io.boxoffice.testkit.process.NodeProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;

/**
 * A cluster member in its lab slot: the pod name ({@code boxoffice.node-id}), the slot (its pod and address),
 * its data directory and its process (the test kit's launcher), and the member id the node last reported
 * (the pod name, or {@code <pod>~<volume generation>} once its volume was lost and it rejoined as a new
 * member). Faults act on the real process: SIGKILL, SIGSTOP/SIGCONT, SIGTERM, a lost volume. Thread-safe as
 * far as the process is; the nemesis drives faults from one thread.
 */
final class LabNode {

    private final String nodeId;
    private final int slot;
    private final Path dataDirectory;
    private final NodeProcess process;
    private volatile String memberId;

    LabNode(String nodeId, int slot, Path dataDirectory, NodeProcess process) {
        this.nodeId = nodeId;
        this.slot = slot;
        this.dataDirectory = dataDirectory;
        this.process = process;
        this.memberId = nodeId;
    }

    /** The pod name: stable across volumes. */
    String nodeId() {
        return nodeId;
    }

    /** The member id the node last reported (its pod name until it reported one). */
    String memberId() {
        return memberId;
    }

    /** Notes the member id the node reported; ignored unless it belongs to this pod. */
    void noteMemberId(String reported) {
        if (reported != null && MemberIds.podOf(reported).equals(nodeId)) {
            memberId = reported;
        }
    }

    int slot() {
        return slot;
    }

    Path logFile() {
        return process.logFile();
    }

    void start() {
        process.start();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    boolean isPaused() {
        return process.isPaused();
    }

    void kill() {
        process.kill();
    }

    /** SIGTERM (graceful stop: readiness off, leadership transfer, close); whether it exited within the bound. */
    boolean terminate(long seconds) {
        return process.terminate(Duration.ofSeconds(seconds));
    }

    void pause() {
        process.pause();
    }

    void resume() {
        process.resume();
    }

    /** A description of a crash (the node ended on its own), reported once; null otherwise. */
    String takeUnexpectedExit() {
        return process.takeUnexpectedExit().orElse(null);
    }

    String logTail(int lines) {
        return process.logTail(lines);
    }

    /** Deletes the data directory (a lost volume). The process must be stopped. */
    void wipeData() {
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
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
