package io.boxoffice.verifier.chaos;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.boxoffice.proto.v1.AddMemberRequest;
import io.boxoffice.testkit.Eventually;
import io.boxoffice.testkit.client.Retrying;
import io.boxoffice.proto.v1.ClusterStatus;
import io.boxoffice.proto.v1.RemoveMemberRequest;
import io.boxoffice.proto.v1.TransferLeadershipRequest;
import io.grpc.StatusRuntimeException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Carries out a {@link NemesisSchedule} against a {@link LocalCluster}: one fault at a time, each healed at
 * the end of its duration, every fault appended to {@code nemesis.jsonl} as it heals. Runs on its own thread.
 */
final class Nemesis implements Runnable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long ADMIN_DEADLINE_MILLIS = 3_000;
    private static final long MEMBER_CATCH_UP_MILLIS_MAX = 60_000;

    private final LocalCluster cluster;
    private final List<FaultEvent> plan;
    private final HistoryRecorder clock;
    private final AtomicBoolean stop;
    private final BufferedWriter log;
    private final List<FaultRecord> records = Collections.synchronizedList(new ArrayList<>());
    private final List<String> crashes = Collections.synchronizedList(new ArrayList<>());
    private volatile Throwable failure;

    Nemesis(LocalCluster cluster, List<FaultEvent> plan, HistoryRecorder clock, AtomicBoolean stop, Path logFile) {
        this.cluster = cluster;
        this.plan = List.copyOf(plan);
        this.clock = clock;
        this.stop = stop;
        try {
            this.log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + logFile, e);
        }
    }

    List<FaultRecord> records() {
        return List.copyOf(records);
    }

    /** Nodes that exited without the nemesis stopping them. */
    List<String> crashes() {
        return List.copyOf(crashes);
    }

    /** A failure of the nemesis itself (not of the cluster), if any. */
    Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public void run() {
        try {
            for (FaultEvent event : plan) {
                if (!sleepUntil(event.startOffsetMillis())) {
                    return;
                }
                inject(event);
            }
        } catch (RuntimeException | Error e) {
            failure = e;
        } finally {
            try {
                healEverything();
            } finally {
                try {
                    log.close();
                } catch (IOException e) {
                    failure = failure == null ? e : failure;
                }
            }
        }
    }

    private boolean sleepUntil(long offsetMillis) {
        while (!stop.get()) {
            long waitMillis = offsetMillis - clock.nowNanos() / 1_000_000;
            if (waitMillis <= 0) {
                return true;
            }
            LocalCluster.sleep(Math.min(waitMillis, 100));
        }
        return false;
    }

    private void inject(FaultEvent event) {
        noteCrashes();
        long startNanos = clock.nowNanos();
        long startWall = System.currentTimeMillis();
        Random random = new Random(event.choice());
        StringBuilder note = new StringBuilder();
        String targets;
        try {
            targets = switch (event.kind()) {
                case KILL -> kill(pick(aliveSlots(), random), event, "");
                case KILL_LEADER -> kill(leaderOrRandom(random, note), event, " (leader)");
                case KILL_ALL -> killAll(event);
                case PAUSE -> pause(pick(aliveSlots(), random), event, "");
                case PAUSE_LEADER -> pause(leaderOrRandom(random, note), event, " (leader)");
                case ISOLATE_LEADER -> isolateLeader(random, event, note);
                case PARTITION_HALVES -> partitionHalves(random, event);
                case PARTITION_BRIDGE -> partitionBridge(random, event);
                case TRANSFER_LEADERSHIP -> transferLeadership(random, event, note);
                case REPLACE_MEMBER -> replaceMember(random, event, note);
            };
        } catch (StatusRuntimeException e) {
            targets = "?";
            note.append("admin call failed: ").append(e.getStatus());
            healEverything();
        }
        FaultRecord record = new FaultRecord(event, startNanos, clock.nowNanos(), startWall, System.currentTimeMillis(),
                targets, note.toString());
        records.add(record);
        try {
            log.write(JSON.writeValueAsString(record));
            log.write('\n');
            log.flush();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode fault record", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to nemesis log", e);
        }
    }

    private List<Integer> aliveSlots() {
        return cluster.slots().stream().filter(slot -> cluster.node(slot).isAlive()).toList();
    }

    private static int pick(List<Integer> slots, Random random) {
        if (slots.isEmpty()) {
            throw new IllegalStateException("no node is running");
        }
        return slots.get(random.nextInt(slots.size()));
    }

    private int leaderOrRandom(Random random, StringBuilder note) {
        Optional<Integer> leader = cluster.leaderSlot();
        if (leader.isEmpty()) {
            note.append("no leader known; hit a random node. ");
            return pick(aliveSlots(), random);
        }
        return leader.get();
    }

    private String name(int slot) {
        return cluster.node(slot).nodeId();
    }

    private String kill(int slot, FaultEvent event, String role) {
        String target = name(slot) + role;
        cluster.node(slot).kill();
        LocalCluster.sleep(event.durationMillis());
        cluster.node(slot).start();
        return target;
    }

    private String killAll(FaultEvent event) {
        for (int slot : cluster.slots()) {
            cluster.node(slot).kill();
        }
        LocalCluster.sleep(event.durationMillis());
        for (int slot : cluster.slots()) {
            cluster.node(slot).start();
        }
        return "all";
    }

    private String pause(int slot, FaultEvent event, String role) {
        String target = name(slot) + role;
        cluster.node(slot).pause();
        try {
            LocalCluster.sleep(event.durationMillis());
        } finally {
            cluster.node(slot).resume();
        }
        return target;
    }

    private String isolateLeader(Random random, FaultEvent event, StringBuilder note) {
        int leader = leaderOrRandom(random, note);
        List<Integer> others = cluster.slots().stream().filter(slot -> slot != leader).toList();
        return partitionFor(List.of(leader), others, event);
    }

    private String partitionHalves(Random random, FaultEvent event) {
        List<Integer> slots = new ArrayList<>(cluster.slots());
        Collections.shuffle(slots, random);
        int minority = (slots.size() - 1) / 2;
        return partitionFor(slots.subList(0, minority), slots.subList(minority, slots.size()), event);
    }

    private String partitionBridge(Random random, FaultEvent event) {
        List<Integer> slots = new ArrayList<>(cluster.slots());
        Collections.shuffle(slots, random);
        int bridge = slots.removeFirst();
        int half = (slots.size() + 1) / 2;
        String partition = partitionFor(slots.subList(0, half), slots.subList(half, slots.size()), event);
        return partition + " bridged by " + name(bridge);
    }

    private String partitionFor(List<Integer> sideA, List<Integer> sideB, FaultEvent event) {
        String description = group(sideA) + " | " + group(sideB);
        cluster.partition(sideA, sideB);
        try {
            LocalCluster.sleep(event.durationMillis());
        } finally {
            cluster.heal();
        }
        return description;
    }

    private String group(List<Integer> slots) {
        return slots.stream().map(this::name).collect(Collectors.joining(",", "{", "}"));
    }

    private String transferLeadership(Random random, FaultEvent event, StringBuilder note) {
        Optional<Integer> leader = cluster.leaderSlot();
        if (leader.isEmpty()) {
            note.append("no leader known; nothing transferred");
            LocalCluster.sleep(event.durationMillis());
            return "none";
        }
        List<Integer> followers = aliveSlots().stream().filter(slot -> !slot.equals(leader.get())).toList();
        int target = pick(followers, random);
        var response = cluster.client(leader.get()).cluster(cluster.adminToken(), ADMIN_DEADLINE_MILLIS)
                .transferLeadership(TransferLeadershipRequest.newBuilder().setTargetNodeId(name(target)).build());
        LocalCluster.sleep(event.durationMillis());
        return name(leader.get()) + " -> " + name(target) + " (answered " + response.getNewLeaderId() + ")";
    }

    /**
     * Removes a follower, loses its volume, and adds a new member in its slot; waits until the new member is
     * a voter again (or notes that it did not get there).
     */
    private String replaceMember(Random random, FaultEvent event, StringBuilder note) {
        Optional<Integer> leader = cluster.leaderSlot();
        if (leader.isEmpty()) {
            note.append("no leader known; nothing replaced");
            return "none";
        }
        List<Integer> followers = aliveSlots().stream().filter(slot -> !slot.equals(leader.get())).toList();
        int slot = pick(followers, random);
        String oldId = name(slot);
        adminOnLeader(leaderSlot -> cluster.client(leaderSlot).cluster(cluster.adminToken(), ADMIN_DEADLINE_MILLIS)
                .removeMember(RemoveMemberRequest.newBuilder().setNodeId(oldId).build()));
        cluster.node(slot).kill();
        cluster.node(slot).wipeData();
        LabNode fresh = cluster.replace(slot);
        fresh.start();
        LocalCluster.sleep(event.durationMillis());
        adminOnLeader(leaderSlot -> cluster.client(leaderSlot).cluster(cluster.adminToken(), ADMIN_DEADLINE_MILLIS)
                .addMember(AddMemberRequest.newBuilder().setNodeId(fresh.nodeId())
                        .setAddress(cluster.peerAddress(slot)).build()));
        if (!awaitVoter(fresh.nodeId())) {
            note.append(fresh.nodeId()).append(" was not a voter ").append(MEMBER_CATCH_UP_MILLIS_MAX)
                    .append(" ms after it was added. ");
        }
        return oldId + " -> " + fresh.nodeId();
    }

    /** Runs an admin call on the leader, retrying on other nodes (and after elections): 10 attempts, 500 ms apart. */
    private void adminOnLeader(java.util.function.IntFunction<ClusterStatus> call) {
        Retrying.on(Retrying.ANY_FAILURE).attemptsMax(10).pausing(Duration.ofMillis(500))
                .call(attempt -> cluster.leaderSlot().orElse(pick(aliveSlots(), new Random(attempt))), call::apply)
                .orThrow();
    }

    /** Whether {@code nodeId} became a voter within {@link #MEMBER_CATCH_UP_MILLIS_MAX} (or the run stopped). */
    private boolean awaitVoter(String nodeId) {
        return Eventually.within(Duration.ofMillis(MEMBER_CATCH_UP_MILLIS_MAX)).pollingEvery(Duration.ofMillis(250))
                .poll(nodeId + " a voter", () -> stop.get() ? Boolean.TRUE : isVoter(nodeId))
                .isPresent() && !stop.get();
    }

    private boolean isVoter(String nodeId) {
        return cluster.leaderSlot().flatMap(leader -> cluster.status(leader, 1000)).stream()
                .flatMap(status -> status.getNodesList().stream())
                .anyMatch(member -> member.getId().equals(nodeId) && member.getVoter());
    }

    /** Records every node that exited on its own (a crash is a finding, never healed silently). */
    void noteCrashes() {
        for (LabNode node : cluster.nodes()) {
            String exit = node.takeUnexpectedExit();
            if (exit != null) {
                crashes.add(exit);
            }
        }
    }

    /** Full connectivity, nothing paused, every node running. Idempotent. */
    void healEverything() {
        noteCrashes();
        cluster.heal();
        for (LabNode node : cluster.nodes()) {
            node.resume();
            if (!node.isAlive()) {
                node.start();
            }
        }
    }
}
