package io.boxoffice.booking.metrics;

import io.boxoffice.raft.core.RaftStatus;
import io.boxoffice.raft.core.Role;
import io.boxoffice.raft.transport.TransportCounters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Every {@code boxoffice_*} metric of a booking node. Raft gauges read the latest {@link RaftStatus}
 * handed to {@link #onRaftStatus}; counters are node-local (sum them over the cluster for totals).
 * The names are listed in {@code docs/booking-node.md} and used by the Grafana dashboards: rename
 * nothing without updating both.
 */
@ApplicationScoped
public class BoxofficeMetrics {

    /** Prometheus names, after Micrometer's conversion ({@code .} → {@code _}, {@code _total} on counters). */
    public static final List<String> PROMETHEUS_NAMES = List.of(
            "boxoffice_raft_role", "boxoffice_raft_term", "boxoffice_raft_commit_index",
            "boxoffice_raft_applied_index", "boxoffice_raft_last_index", "boxoffice_raft_snapshot_index",
            "boxoffice_raft_has_leader", "boxoffice_raft_members", "boxoffice_raft_leader_changes_total",
            "boxoffice_raft_replication_lag_entries", "boxoffice_raft_proposals_total",
            "boxoffice_raft_proposal_seconds", "boxoffice_raft_reads_total", "boxoffice_commands_total",
            "boxoffice_holds_total", "boxoffice_hold_expiries_total", "boxoffice_bookings_total",
            "boxoffice_payments_total", "boxoffice_refunds_total", "boxoffice_logins_total",
            "boxoffice_rpc_seconds", "boxoffice_assistant_seconds", "boxoffice_raft_peer_messages_total",
            "boxoffice_raft_peer_messages_dropped_total", "boxoffice_raft_peer_calls_rejected_total",
            "boxoffice_raft_fsync_seconds", "boxoffice_raft_append_seconds", "boxoffice_raft_driver_loop_seconds",
            "boxoffice_raft_snapshot_seconds", "boxoffice_raft_snapshot_bytes", "boxoffice_raft_snapshots_total",
            "boxoffice_raft_entries_replayed_at_start", "boxoffice_raft_log_start_index", "boxoffice_state_records",
            "boxoffice_state_bytes");

    private final AtomicReference<RaftStatus> status = new AtomicReference<>();
    private final AtomicReference<TransportCounters> transport = new AtomicReference<>(
            new TransportCounters(0, 0, 0, 0, 0, 0, 0));
    private final AtomicLong inboxDropped = new AtomicLong();
    private MeterRegistry registry;
    private MultiGauge replicationLag;
    private Counter leaderChanges;
    private Timer fsync;
    private Timer append;
    private Timer driverLoop;
    private final AtomicLong snapshotBytes = new AtomicLong();
    private final AtomicLong entriesReplayed = new AtomicLong();
    private final AtomicReference<Map<String, Long>> stateRecords = new AtomicReference<>(Map.of());
    private final AtomicReference<Map<String, Long>> stateBytes = new AtomicReference<>(Map.of());
    /**
     * Meters used on every request, looked up once: building a meter's id and running the registry's filters on
     * every call cost a few microseconds each, several times per booking. Keys are name and tag values; the set
     * of keys is bounded by the code (methods, status codes, outcomes), not by requests.
     */
    private final java.util.concurrent.ConcurrentHashMap<List<String>, io.micrometer.core.instrument.Meter> meters =
            new java.util.concurrent.ConcurrentHashMap<>();
    private MultiGauge stateRecordsGauge;
    private MultiGauge stateBytesGauge;

    @Inject
    void init(MeterRegistry registry) {
        this.registry = registry;
        for (Role role : Role.values()) {
            Gauge.builder("boxoffice.raft.role", status, s -> s.get() != null && s.get().role() == role ? 1 : 0)
                    .description("1 for this node's current Raft role, 0 for the others")
                    .tag("role", role.name().toLowerCase(java.util.Locale.ROOT)).register(registry);
        }
        gauge("boxoffice.raft.term", "current Raft term", RaftStatus::term);
        gauge("boxoffice.raft.commit.index", "highest log index known committed", RaftStatus::commitIndex);
        gauge("boxoffice.raft.applied.index", "highest log index applied to the booking state",
                RaftStatus::appliedIndex);
        gauge("boxoffice.raft.last.index", "highest log index stored", RaftStatus::lastIndex);
        gauge("boxoffice.raft.snapshot.index", "log index of the latest snapshot", RaftStatus::snapshotIndex);
        gauge("boxoffice.raft.has.leader", "1 when this node knows a leader", s -> s.leaderId() == null ? 0 : 1);
        gauge("boxoffice.raft.members", "voting members in the configuration",
                s -> s.configuration() == null ? 0 : s.configuration().voterIds().size());
        fsync = Timer.builder("boxoffice.raft.fsync")
                .description("one fsync of the Raft write-ahead log (the group commit of a driver loop)")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(2)).register(registry);
        append = Timer.builder("boxoffice.raft.append")
                .description("appending one batch to the Raft log store: encode, write and fsync")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(2)).register(registry);
        driverLoop = Timer.builder("boxoffice.raft.driver.loop")
                .description("one iteration of the Raft driver loop (messages, requests, tick, persist, send, apply);"
                        + " a long one delays heartbeats").publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000)).maximumExpectedValue(Duration.ofSeconds(5))
                .register(registry);
        gauge("boxoffice.raft.log.start.index", "index of the last compacted entry: the log holds what follows",
                RaftStatus::logStartIndex);
        Gauge.builder("boxoffice.raft.snapshot.bytes", snapshotBytes, AtomicLong::doubleValue)
                .description("size of the latest snapshot file this node wrote or installed").baseUnit("bytes")
                .register(registry);
        Gauge.builder("boxoffice.raft.entries.replayed.at.start", entriesReplayed, AtomicLong::doubleValue)
                .description("log entries the node had to replay at start-up (those after its state's index)")
                .register(registry);
        for (String kind : List.of("taken", "installed", "local")) {
            registry.counter("boxoffice.raft.snapshots", "kind", kind);
            snapshotTimer(kind);
        }
        stateRecordsGauge = MultiGauge.builder("boxoffice.state.records")
                .description("records of the booking state by kind and state").register(registry);
        stateBytesGauge = MultiGauge.builder("boxoffice.state.bytes")
                .description("size of the booking state's RocksDB: files (estimated live data) and memtables")
                .baseUnit("bytes").register(registry);
        leaderChanges = Counter.builder("boxoffice.raft.leader.changes")
                .description("times this node learned of a new leader (a known leader in a later term); a "
                        + "follower's pre-vote that finds the leader alive is not one").register(registry);
        // Outcome counters start at zero, so dashboards and rate() see every series from the first scrape.
        for (String outcome : List.of("created", "extended", "released", "rejected")) {
            registry.counter("boxoffice.holds", "outcome", outcome);
        }
        for (String outcome : List.of("confirmed", "cancelled", "rejected")) {
            registry.counter("boxoffice.bookings", "outcome", outcome);
        }
        for (String outcome : List.of("authorized", "captured", "voided", "declined", "transient_failure")) {
            registry.counter("boxoffice.payments", "outcome", outcome);
        }
        for (String outcome : List.of("cancellation", "none", "admin", "payment_not_applied")) {
            registry.counter("boxoffice.refunds", "outcome", outcome);
        }
        for (String outcome : List.of("success", "bad_credentials", "throttled")) {
            registry.counter("boxoffice.logins", "outcome", outcome);
        }
        registry.counter("boxoffice.hold.expiries");
        transportCounter("boxoffice.raft.peer.messages", "direction", "sent", TransportCounters::sent);
        transportCounter("boxoffice.raft.peer.messages", "direction", "received", TransportCounters::received);
        transportCounter("boxoffice.raft.peer.messages.dropped", "reason", "queue_full",
                TransportCounters::droppedQueueFull);
        transportCounter("boxoffice.raft.peer.messages.dropped", "reason", "unknown_peer",
                TransportCounters::droppedUnknownPeer);
        transportCounter("boxoffice.raft.peer.messages.dropped", "reason", "stream_failed",
                TransportCounters::droppedStreamFailed);
        FunctionCounter.builder("boxoffice.raft.peer.messages.dropped", inboxDropped, AtomicLong::doubleValue)
                .description("peer messages dropped").tag("reason", "inbox_full").register(registry);
        transportCounter("boxoffice.raft.peer.calls.rejected", "reason", "unauthenticated",
                TransportCounters::rejectedUnauthenticated);
        transportCounter("boxoffice.raft.peer.calls.rejected", "reason", "invalid", TransportCounters::rejectedInvalid);
        replicationLag = MultiGauge.builder("boxoffice.raft.replication.lag.entries")
                .description("entries the leader has that the peer has not acknowledged; leader only")
                .register(registry);
    }

    private void transportCounter(String name, String tag, String value,
                                  java.util.function.ToLongFunction<TransportCounters> read) {
        FunctionCounter.builder(name, transport, t -> read.applyAsLong(t.get()))
                .description("Raft peer transport: " + name.substring(name.lastIndexOf('.') + 1)).tag(tag, value)
                .register(registry);
    }

    /** Publishes the peer transport's counters and the driver inbox drops; called by the cluster poller. */
    public void onTransport(TransportCounters counters, long droppedInbound) {
        transport.set(counters);
        inboxDropped.set(droppedInbound);
    }

    private void gauge(String name, String description, java.util.function.ToDoubleFunction<RaftStatus> value) {
        Gauge.builder(name, status, s -> s.get() == null ? Double.NaN : value.applyAsDouble(s.get()))
                .description(description).register(registry);
    }

    /** Publishes a fresh status; called by the cluster poller, on any thread. */
    public void onRaftStatus(RaftStatus next) {
        status.set(next);
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        if (next.role() == Role.LEADER && next.peers() != null) {
            for (RaftStatus.PeerProgress peer : next.peers()) {
                long lag = Math.max(0, next.lastIndex() - peer.matchIndex());
                rows.add(MultiGauge.Row.of(Tags.of("peer", peer.id()), lag));
            }
        }
        replicationLag.register(rows, true);
    }

    /** One driver-loop iteration took {@code nanos} (called on the driver thread: cheap). */
    public void driverLoop(long nanos) {
        driverLoop.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    private long lastLeaderTerm = -1;

    /**
     * The driver's role changes (driver thread): a known leader in a term later than the last one this node
     * saw counts as a leader change; losing sight of a leader, or regaining the same one, does not.
     */
    public synchronized void roleChanged(long term, String leaderId) {
        if (leaderId == null || term <= lastLeaderTerm) {
            return;
        }
        if (lastLeaderTerm >= 0) {
            leaderChanges.increment();
        }
        lastLeaderTerm = term;
    }

    /** A snapshot was written ({@code kind} taken) or copied and installed ({@code kind} installed). */
    public void snapshot(String kind, long sizeBytes, long nanos) {
        snapshotBytes.set(sizeBytes);
        registry.counter("boxoffice.raft.snapshots", "kind", kind).increment();
        snapshotTimer(kind).record(Duration.ofNanos(nanos));
    }

    /** A local snapshot: the state's storage was synced (no file), and the log compacted. */
    public void localSnapshot(long nanos) {
        registry.counter("boxoffice.raft.snapshots", "kind", "local").increment();
        snapshotTimer("local").record(Duration.ofNanos(nanos));
    }

    private Timer snapshotTimer(String kind) {
        return Timer.builder("boxoffice.raft.snapshot").description("writing a snapshot file (taken, off the driver"
                        + " thread), restoring one (installed) or syncing the state for a local one (local)").tag("kind", kind).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry);
    }

    /** At start-up: how many log entries followed the state's durable index. */
    public void recovered(long replayedEntries) {
        entriesReplayed.set(replayedEntries);
    }

    /** Publishes the state's record counts and sizes (called by the cluster poller now and then). */
    public void onStateSize(Map<String, Long> records, Map<String, Long> bytes) {
        stateRecords.set(records);
        stateBytes.set(bytes);
        stateRecordsGauge.register(records.entrySet().stream()
                .map(entry -> MultiGauge.Row.of(Tags.of("kind", entry.getKey()), entry.getValue()))
                .collect(java.util.stream.Collectors.toList()), true);
        stateBytesGauge.register(bytes.entrySet().stream()
                .map(entry -> MultiGauge.Row.of(Tags.of("part", entry.getKey()), entry.getValue()))
                .collect(java.util.stream.Collectors.toList()), true);
    }

    /** The Raft log's write-ahead log was fsynced (called on the Raft driver thread: must stay cheap). */
    public void walSynced(long nanos) {
        fsync.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** One batch was appended to the Raft log store, fsync included (called on the Raft driver thread). */
    public void logAppended(long nanos) {
        append.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** One proposal finished: {@code outcome} is committed, not_leader, dropped, rejected, timeout or error. */
    public void proposal(String outcome, long nanos) {
        counter("boxoffice.raft.proposals", "outcome", outcome).increment();
        meter(List.of("boxoffice.raft.proposal", outcome), () -> Timer.builder("boxoffice.raft.proposal")
                .description("time from propose to commit and apply")
                .tag("outcome", outcome).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry), Timer.class).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** One read finished: {@code consistency} linearizable or stale. */
    public void read(String consistency, String outcome) {
        counter("boxoffice.raft.reads", "consistency", consistency, "outcome", outcome).increment();
    }

    /** One applied command's result: {@code outcome} is ok or the rejection reason. */
    public void command(String type, String outcome) {
        counter("boxoffice.commands", "type", type, "outcome", outcome).increment();
    }

    /** created, extended, released, rejected. */
    public void hold(String outcome) {
        counter("boxoffice.holds", "outcome", outcome).increment();
    }

    /** Holds the leader's ExpireHolds freed. */
    public void holdsExpired(long count) {
        registry.counter("boxoffice.hold.expiries").increment(count);
    }

    /** confirmed, cancelled, rejected. */
    public void booking(String outcome) {
        counter("boxoffice.bookings", "outcome", outcome).increment();
    }

    /** authorized, captured, voided, declined, transient_failure. */
    public void payment(String outcome) {
        counter("boxoffice.payments", "outcome", outcome).increment();
    }

    /** Refunds recorded: cancellation (policy refund), none (cancelled too late), admin, payment_not_applied. */
    public void refund(String outcome) {
        counter("boxoffice.refunds", "outcome", outcome).increment();
    }

    /** success, bad_credentials, throttled. */
    public void login(String outcome) {
        registry.counter("boxoffice.logins", "outcome", outcome).increment();
    }

    /** One public RPC finished. */
    public void rpc(String method, String code, long nanos) {
        meter(List.of("boxoffice.rpc", method, code), () -> Timer.builder("boxoffice.rpc")
                .description("public gRPC call latency by method and status")
                .tags("method", method, "code", code).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry), Timer.class).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** One call to llm-service finished: ok, unavailable, error, timeout. */
    public void assistant(String outcome, long nanos) {
        Timer.builder("boxoffice.assistant").description("Ask latency including the llm-service call")
                .tag("outcome", outcome).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry).record(Duration.ofNanos(nanos));
    }

    private <M extends io.micrometer.core.instrument.Meter> M meter(List<String> key,
            java.util.function.Supplier<M> create, Class<M> type) {
        io.micrometer.core.instrument.Meter known = meters.get(key);
        if (known == null) {
            known = meters.computeIfAbsent(key, ignored -> create.get());
        }
        return type.cast(known);
    }

    private io.micrometer.core.instrument.Counter counter(String name, String... tags) {
        List<String> key = new java.util.ArrayList<>(tags.length + 1);
        key.add(name);
        key.addAll(java.util.Arrays.asList(tags));
        return meter(key, () -> registry.counter(name, tags), io.micrometer.core.instrument.Counter.class);
    }
}
