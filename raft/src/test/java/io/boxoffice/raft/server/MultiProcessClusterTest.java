package io.boxoffice.raft.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
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
    private final List<NodeProcess> processes = new ArrayList<>();

    @AfterEach
    void killAll() throws InterruptedException {
        for (NodeProcess process : processes) {
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
        List<NodeProcess> nodes = new ArrayList<>();
        for (String id : ids) {
            nodes.add(start(id, ports.get(id), peers.toString()));
        }
        for (NodeProcess node : nodes) {
            node.awaitReady(START_MILLIS);
        }
        Map<String, String> committed = new TreeMap<>();

        NodeProcess leader = awaitLeader(nodes);
        putAll(leader, "before", committed);
        leader.kill();
        long killedAtNanos = System.nanoTime();
        List<NodeProcess> survivors = new ArrayList<>(nodes);
        survivors.remove(leader);

        NodeProcess newLeader = awaitLeader(survivors);
        assertThat(newLeader.request("put first-after-kill yes", REQUEST_MILLIS)).startsWith("ok");
        long failoverMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAtNanos);
        committed.put("first-after-kill", "yes");
        putAll(newLeader, "after", committed);
        NodeProcess restarted = start(leader.id(), ports.get(leader.id()), peers.toString());
        restarted.awaitReady(START_MILLIS);

        String expected = dump(committed);
        awaitDump(restarted, expected);
        for (NodeProcess survivor : survivors) {
            awaitDump(survivor, expected);
        }
        assertThat(newLeader.request("get first-after-kill", REQUEST_MILLIS)).isEqualTo("ok yes");
        System.out.printf("leader %s killed; first commit by new leader %s after %d ms%n",
                leader.id(), newLeader.id(), failoverMillis);
    }

    private NodeProcess start(String id, int port, String peers) throws Exception {
        NodeProcess process = new NodeProcess(id, directory.resolve(id), port, peers, SNAPSHOT_EVERY_ENTRIES);
        processes.add(process);
        return process;
    }

    private static void putAll(NodeProcess leader, String prefix, Map<String, String> committed) throws Exception {
        for (int i = 0; i < ENTRIES_PER_PHASE; i++) {
            String answer = leader.request("put " + prefix + i + " value" + i, REQUEST_MILLIS);
            assertThat(answer).as("put on %s", leader.id()).startsWith("ok");
            committed.put(prefix + i, "value" + i);
        }
    }

    /** The live member that reports itself leader; bounded wait. */
    private static NodeProcess awaitLeader(List<NodeProcess> nodes) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ELECTION_WAIT_MILLIS);
        while (System.nanoTime() < deadline) {
            for (NodeProcess node : nodes) {
                if (node.isAlive() && node.request("status", REQUEST_MILLIS).startsWith("ok LEADER ")) {
                    return node;
                }
            }
            Thread.sleep(20);
        }
        StringBuilder logs = new StringBuilder();
        nodes.forEach(node -> logs.append("--- ").append(node.id()).append('\n').append(node.log()));
        throw new AssertionError("no leader within " + ELECTION_WAIT_MILLIS + " ms\n" + logs);
    }

    private static void awaitDump(NodeProcess node, String expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ELECTION_WAIT_MILLIS);
        String seen = null;
        while (System.nanoTime() < deadline) {
            seen = node.request("dump", REQUEST_MILLIS);
            if (seen.equals("ok " + expected)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("node " + node.id() + " did not catch up; last dump " + seen + "\nlog:\n" + node.log());
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
