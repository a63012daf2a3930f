package io.boxoffice.verifier.chaos;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.boxoffice.testkit.Eventually;
import io.boxoffice.testkit.client.Retrying;
import io.boxoffice.proto.v1.ClusterStatus;
import io.boxoffice.proto.v1.RemoveMemberRequest;
import io.boxoffice.proto.v1.TransferLeadershipRequest;
import io.boxoffice.testkit.node.MemberIds;
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
    private final List<String> unfinishedReplacements = Collections.synchronizedList(new ArrayList<>());
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

    /**
     * Members that did not come back from a lost volume within {@link #MEMBER_CATCH_UP_MILLIS_MAX}: no new
     * member of the pod became a voter, or the old member id stayed in the configuration. A finding about the
     * cluster, not the harness.
     */
    List<String> unfinishedReplacements() {
        return List.copyOf(unfinishedReplacements);
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
                case LOST_VOLUME -> loseVolume(random, event, note);
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

    /** The member id of the slot's node, as it reports it now (for the record; see {@link #memberIdOf}). */
    private String name(int slot) {
        return cluster.memberId(slot);
    }

    /**
     * The member id of the slot's pod as the leader's configuration lists it, for calls that name a member
     * (RemoveMember, TransferLeadership): the node's own readiness can be late or unanswered on a loaded
     * machine, and a stale id (the pod's previous volume) would name nobody. Falls back to {@link #name}.
     */
    private String memberIdOf(int slot) {
        LabNode node = cluster.node(slot);
        List<String> listed = podMembers(node.nodeId());
        if (listed.size() == 1) {
            node.noteMemberId(listed.getFirst());
            return listed.getFirst();
        }
        return name(slot);
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
                .transferLeadership(TransferLeadershipRequest.newBuilder().setTargetNodeId(memberIdOf(target)).build());
        LocalCluster.sleep(event.durationMillis());
        return name(leader.get()) + " -> " + name(target) + " (answered " + response.getNewLeaderId() + ")";
    }

    /**
     * An operator's replacement: RemoveMember of a follower, then its volume is lost and its pod started again.
     * The node finds an empty volume and a formed cluster, so it joins as a new member on its own.
     */
    private String replaceMember(Random random, FaultEvent event, StringBuilder note) {
        Optional<Integer> leader = cluster.leaderSlot();
        if (leader.isEmpty()) {
            note.append("no leader known; nothing replaced");
            return "none";
        }
        List<Integer> followers = aliveSlots().stream().filter(slot -> !slot.equals(leader.get())).toList();
        int slot = pick(followers, random);
        String oldId = memberIdOf(slot);
        adminOnLeader(leaderSlot -> cluster.client(leaderSlot).cluster(cluster.adminToken(), ADMIN_DEADLINE_MILLIS)
                .removeMember(RemoveMemberRequest.newBuilder().setNodeId(oldId).build()));
        return restartOnEmptyVolume(slot, oldId, event, note, "removed, ");
    }

    /** A lost volume nobody handles: the pod's node must replace its old member id by itself. */
    private String loseVolume(Random random, FaultEvent event, StringBuilder note) {
        int slot = pick(aliveSlots(), random);
        String oldId = memberIdOf(slot);
        Optional<Integer> leader = cluster.leaderSlot();
        return restartOnEmptyVolume(slot, oldId, event, note, leader.isPresent() && leader.get() == slot
                ? "leader, " : "");
    }

    /**
     * SIGKILL, delete the data directory, start the pod again with the same settings; then wait until a new
     * member of the pod is a voter and {@code oldId} has left the configuration (recorded as unfinished if not).
     */
    private String restartOnEmptyVolume(int slot, String oldId, FaultEvent event, StringBuilder note, String how) {
        LabNode node = cluster.node(slot);
        // Every member id of the pod the configuration lists now: the new member must be none of them.
        java.util.Set<String> previous = new java.util.HashSet<>(podMembers(node.nodeId()));
        previous.add(oldId);
        node.kill();
        node.wipeData();
        LocalCluster.sleep(event.durationMillis());
        node.start();
        long startNanos = System.nanoTime();
        Optional<String> newId = awaitReplaced(node.nodeId(), previous);
        if (stop.get() && newId.isEmpty()) {
            note.append("the run ended before the new member was a voter. ");
            return oldId + " (" + how + "volume lost) -> ?";
        }
        if (newId.isEmpty()) {
            String state = describeMembers();
            unfinishedReplacements.add(node.nodeId() + ": " + MEMBER_CATCH_UP_MILLIS_MAX + " ms after its volume was "
                    + "lost and its pod restarted, no new member of the pod is a voter with " + oldId + " gone; "
                    + "configuration " + state);
            note.append("not replaced within ").append(MEMBER_CATCH_UP_MILLIS_MAX).append(" ms: ").append(state);
            return oldId + " (" + how + "volume lost) -> ?";
        }
        note.append(newId.get()).append(" a voter and ").append(oldId).append(" gone ")
                .append((System.nanoTime() - startNanos) / 1_000_000).append(" ms after the pod restarted. ");
        return oldId + " (" + how + "volume lost) -> " + newId.get();
    }

    /** Runs an admin call on the leader, retrying on other nodes (and after elections): 10 attempts, 500 ms apart. */
    private void adminOnLeader(java.util.function.IntFunction<ClusterStatus> call) {
        Retrying.on(Retrying.ANY_FAILURE).attemptsMax(10).pausing(Duration.ofMillis(500))
                .call(attempt -> cluster.leaderSlot().orElse(pick(aliveSlots(), new Random(attempt))), call::apply)
                .orThrow();
    }

    /**
     * The new member of {@code pod} once it is a voter and none of the pod's {@code previous} member ids is in
     * the configuration any more, within {@link #MEMBER_CATCH_UP_MILLIS_MAX}; empty if not (or the run stopped).
     */
    private Optional<String> awaitReplaced(String pod, java.util.Set<String> previous) {
        return Eventually.within(Duration.ofMillis(MEMBER_CATCH_UP_MILLIS_MAX)).pollingEvery(Duration.ofMillis(250))
                .poll(pod + " replaced", () -> stop.get() ? "" : replacement(pod, previous).orElse(null))
                .filter(id -> !id.isEmpty() && !stop.get());
    }

    private Optional<String> replacement(String pod, java.util.Set<String> previous) {
        Optional<ClusterStatus> status = cluster.leaderSlot().flatMap(leader -> cluster.status(leader, 2_000));
        if (status.isEmpty() || status.get().getNodesList().stream().anyMatch(member -> previous.contains(member.getId()))) {
            return Optional.empty();
        }
        return status.get().getNodesList().stream().filter(member -> member.getVoter()
                && MemberIds.podOf(member.getId()).equals(pod)).map(member -> member.getId()).findFirst();
    }

    /** The member ids of {@code pod} in the configuration the leader reports (empty when no leader answers). */
    private List<String> podMembers(String pod) {
        return cluster.leaderSlot().flatMap(leader -> cluster.status(leader, 2_000)).stream()
                .flatMap(status -> status.getNodesList().stream()).map(member -> member.getId())
                .filter(id -> MemberIds.podOf(id).equals(pod)).toList();
    }

    private String describeMembers() {
        return cluster.leaderSlot().flatMap(leader -> cluster.status(leader, 2_000))
                .map(status -> status.getNodesList().stream().map(member -> member.getId()
                        + (member.getVoter() ? "" : " (learner)") + " lag " + member.getLag())
                        .collect(Collectors.joining(", ", "[", "]"))).orElse("unknown (no leader answered)");
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
