package io.boxoffice.raft.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.testkit.Eventually;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three members as separate JVMs on loopback (gRPC transport, RocksDB log): the leader is killed
 * with SIGKILL, a new leader commits, and the killed member restarts on its volume and catches up
 * without losing any committed entry.
 */
class MultiProcessClusterTest {

    private static final long START_MILLIS = 20_000;
    private static final long ELECTION_WAIT_MILLIS = 10_000;
    private static final long REQUEST_MILLIS = 5_000;
    private static final int ENTRIES_PER_PHASE = 30;
    private static final long SNAPSHOT_EVERY_ENTRIES = 25;

    @TempDir
    Path directory;
    private final List<DemoNode> processes = new ArrayList<>();

    @AfterEach
    void killAll() {
        for (DemoNode process : processes) {
            process.kill();
        }
    }

    @Test
    void when_the_leader_is_killed_then_a_new_leader_commits_and_the_restarted_member_keeps_every_entry()
            throws Exception {
        List<String> ids = List.of("n1", "n2", "n3");
        Map<String, Integer> ports = reservePorts(ids);
        StringBuilder peers = new StringBuilder();
        ids.forEach(id -> peers.append(peers.isEmpty() ? "" : ",").append(id).append("=127.0.0.1:").append(ports.get(id)));
        List<DemoNode> nodes = new ArrayList<>();
        for (String id : ids) {
            nodes.add(start(id, ports.get(id), peers.toString()));
        }
        for (DemoNode node : nodes) {
            node.awaitReady(START_MILLIS);
        }
        Map<String, String> committed = new TreeMap<>();

        DemoNode leader = awaitLeader(nodes);
        putAll(leader, "before", committed);
        leader.kill();
        long killedAtNanos = System.nanoTime();
        List<DemoNode> survivors = new ArrayList<>(nodes);
        survivors.remove(leader);

        DemoNode newLeader = awaitLeader(survivors);
        assertThat(newLeader.request("put first-after-kill yes", REQUEST_MILLIS)).startsWith("ok");
        long failoverMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAtNanos);
        committed.put("first-after-kill", "yes");
        putAll(newLeader, "after", committed);
        DemoNode restarted = start(leader.id(), ports.get(leader.id()), peers.toString());
        restarted.awaitReady(START_MILLIS);

        String expected = dump(committed);
        awaitDump(restarted, expected);
        for (DemoNode survivor : survivors) {
            awaitDump(survivor, expected);
        }
        assertThat(newLeader.request("get first-after-kill", REQUEST_MILLIS)).isEqualTo("ok yes");
        System.out.printf("leader %s killed; first commit by new leader %s after %d ms%n",
                leader.id(), newLeader.id(), failoverMillis);
    }

    private DemoNode start(String id, int port, String peers) throws Exception {
        DemoNode process = new DemoNode(id, directory.resolve(id), port, peers, SNAPSHOT_EVERY_ENTRIES);
        processes.add(process);
        return process;
    }

    private static void putAll(DemoNode leader, String prefix, Map<String, String> committed) throws Exception {
        for (int i = 0; i < ENTRIES_PER_PHASE; i++) {
            String answer = leader.request("put " + prefix + i + " value" + i, REQUEST_MILLIS);
            assertThat(answer).as("put on %s", leader.id()).startsWith("ok");
            committed.put(prefix + i, "value" + i);
        }
    }

    /** The live member that reports itself leader; bounded wait. */
    private static DemoNode awaitLeader(List<DemoNode> nodes) {
        return Eventually.within(Duration.ofMillis(ELECTION_WAIT_MILLIS)).pollingEvery(Duration.ofMillis(20))
                .withDiagnostics(() -> logs(nodes)).until("a leader among " + nodes.stream().map(DemoNode::id).toList(),
                        () -> nodes.stream().filter(node -> node.isAlive() && status(node).startsWith("ok LEADER "))
                                .findFirst().orElse(null));
    }

    private static void awaitDump(DemoNode node, String expected) {
        Eventually.within(Duration.ofMillis(ELECTION_WAIT_MILLIS)).withDiagnostics(() -> "last dump "
                        + request(node, "dump") + "\nlog:\n" + node.log())
                .until("node " + node.id() + " to catch up", () -> request(node, "dump").equals("ok " + expected));
    }

    private static String status(DemoNode node) {
        return request(node, "status");
    }

    /** The answer, or the failure as text (a node that does not answer yet is not an error while waiting). */
    private static String request(DemoNode node, String request) {
        try {
            return node.request(request, REQUEST_MILLIS);
        } catch (Exception e) {
            return "failed: " + e;
        }
    }

    private static String logs(List<DemoNode> nodes) {
        StringBuilder logs = new StringBuilder();
        nodes.forEach(node -> logs.append("--- ").append(node.id()).append('\n').append(node.log()));
        return logs.toString();
    }

    private static String dump(Map<String, String> values) {
        List<String> pairs = new ArrayList<>();
        values.forEach((key, value) -> pairs.add(key + "=" + value));
        return String.join(",", pairs);
    }

    /** Free ports, found by binding port 0; released again for the children to bind. */
    private static Map<String, Integer> reservePorts(List<String> ids) throws Exception {
        Map<String, Integer> ports = new TreeMap<>();
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (String id : ids) {
                ServerSocket socket = new ServerSocket(0);
                sockets.add(socket);
                ports.put(id, socket.getLocalPort());
            }
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
        return ports;
    }
}
