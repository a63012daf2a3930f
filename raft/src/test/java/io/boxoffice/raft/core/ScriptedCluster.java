package io.boxoffice.raft.core;

import io.boxoffice.raft.core.message.Message;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A hand-driven cluster for rule-by-rule tests: messages are delivered only when the test says
 * so, and a filter can drop any of them. Readies are persisted to an in-memory list of entries.
 */
final class ScriptedCluster {
    final Map<String, RaftNode> nodes = new LinkedHashMap<>();
    final Map<String, List<Entry>> applied = new LinkedHashMap<>();
    final List<Message> inFlight = new ArrayList<>();
    final List<ReadState> readStates = new ArrayList<>();
    final List<Long> failedReads = new ArrayList<>();
    /** Snapshot copies the nodes asked for, by node id; the test decides how each ends. */
    final Map<String, List<SnapshotFetch>> fetches = new LinkedHashMap<>();
    final Map<String, List<SnapshotMeta>> installed = new LinkedHashMap<>();
    /** Every Ready each node handed out, in order. */
    final Map<String, List<Ready>> readies = new LinkedHashMap<>();
    Predicate<Message> drop = m -> false;

    static RaftConfig config(String id) {
        return RaftConfig.defaults(id).withElectionTimeoutTicks(10).withHeartbeatIntervalTicks(1);
    }

    static Configuration voters(String... ids) {
        List<Member> members = new ArrayList<>();
        for (String id : ids) {
            members.add(new Member(id, id + ":7000", true));
        }
        return new Configuration(members);
    }

    static ScriptedCluster of(String... ids) {
        ScriptedCluster c = new ScriptedCluster();
        Configuration config = voters(ids);
        for (String id : ids) {
            c.add(id, config(id), InitialState.fresh(config));
        }
        return c;
    }

    /**
     * A cluster with lease reads (margin {@code marginTicks} of a 10-tick election timeout), aged past the
     * start-up window in which a (re)started node votes for nobody.
     */
    static ScriptedCluster withLeases(int marginTicks, String... ids) {
        ScriptedCluster c = new ScriptedCluster();
        Configuration config = voters(ids);
        for (String id : ids) {
            c.add(id, config(id).withLeaseMarginTicks(marginTicks), InitialState.fresh(config));
        }
        for (String id : ids) {
            c.tick(id, config(id).electionTimeoutTicks());
        }
        // Their first campaigns (pre-votes) are dropped: the test elects whom it wants.
        c.flush();
        c.inFlight.clear();
        return c;
    }

    RaftNode add(String id, RaftConfig config, InitialState initial) {
        // Zero randomness: every node's election timeout is exactly electionTimeoutTicks.
        RaftNode node = new RaftNode(config, bound -> 0, initial);
        nodes.put(id, node);
        applied.put(id, new ArrayList<>());
        fetches.put(id, new ArrayList<>());
        installed.put(id, new ArrayList<>());
        readies.put(id, new ArrayList<>());
        return node;
    }

    RaftNode node(String id) {
        return nodes.get(id);
    }

    /** Processes every node's Ready: messages go to the in-flight list, committed entries to {@link #applied}. */
    void flush() {
        for (Map.Entry<String, RaftNode> e : nodes.entrySet()) {
            RaftNode node = e.getValue();
            for (int i = 0; i < 100 && node.hasReady(); i++) {
                Ready ready = node.ready();
                readies.get(e.getKey()).add(ready);
                inFlight.addAll(ready.messages());
                applied.get(e.getKey()).addAll(ready.committedEntries());
                readStates.addAll(ready.readStates());
                failedReads.addAll(ready.failedReads());
                if (ready.snapshotToFetch() != null) {
                    fetches.get(e.getKey()).add(ready.snapshotToFetch());
                }
                if (ready.snapshotToInstall() != null) {
                    installed.get(e.getKey()).add(ready.snapshotToInstall());
                }
                node.advance(ready);
            }
        }
    }

    /** Delivers messages until none are left (bounded), honouring the drop filter. */
    void settle() {
        for (int round = 0; round < 200; round++) {
            flush();
            if (inFlight.isEmpty()) {
                return;
            }
            List<Message> batch = new ArrayList<>(inFlight);
            inFlight.clear();
            for (Message m : batch) {
                RaftNode to = nodes.get(m.to());
                if (to != null && !drop.test(m)) {
                    to.step(m);
                }
            }
        }
    }

    void tick(String id, int ticks) {
        for (int i = 0; i < ticks; i++) {
            nodes.get(id).tick();
        }
    }

    /** Ticks {@code id} until it campaigns and lets the cluster settle. */
    void elect(String id) {
        tick(id, 2 * config(id).electionTimeoutTicks());
        settle();
    }
}
