package io.boxoffice.booking.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/**
 * Every setting of a booking node, under the {@code boxoffice.} prefix. Each key can be overridden by
 * an environment variable ({@code boxoffice.raft.tick-millis} → {@code BOXOFFICE_RAFT_TICK_MILLIS}).
 * Values are checked together at start-up by {@link ConfigValidator}, which lists every problem with its fix.
 * The operator documentation ({@code docs/booking-node.md}) lists every key; keep the two in step.
 */
@ConfigMapping(prefix = "boxoffice")
public interface BoxofficeConfig {

    /** This node's stable member id (the StatefulSet pod name in Kubernetes). */
    @WithDefault("node-1")
    String nodeId();

    /** Cluster name; peers of another cluster are refused. */
    @WithDefault("boxoffice")
    String clusterId();

    /**
     * Bootstrap members, {@code id=host:peerPort} each, this node included. Absent: a one-node cluster
     * of this node on {@code peer-host:peer-port}. Only read on the very first start of a data volume.
     */
    Optional<List<String>> peers();

    /**
     * Start as a member-to-be of an existing cluster: no bootstrap configuration; the node waits until
     * the leader adds it as a learner (AdminService / ClusterService AddMember).
     */
    @WithDefault("false")
    boolean join();

    /** Host name other members use to reach this node's peer port, when {@code peers} is absent. */
    @WithDefault("localhost")
    String peerHost();

    /** Port of the internal Raft peer gRPC server. */
    @WithDefault("7070")
    int peerPort();

    /** Port of the public gRPC API (mapped onto {@code quarkus.grpc.server.port}). */
    @WithDefault("9000")
    int grpcPort();

    /** Port of the HTTP server: health and metrics (mapped onto {@code quarkus.http.port}). */
    @WithDefault("8080")
    int httpPort();

    /** Directory of this node's RocksDB log and snapshots. One directory per node. */
    @WithDefault(".boxoffice/data")
    String dataDir();

    /**
     * Client gRPC endpoints of the members, {@code id=host:grpcPort} each, used to forward a request that
     * needs the leader. Absent: the leader's peer host with this node's {@code grpc-port} (right in
     * Kubernetes, where every pod uses the same ports).
     */
    Optional<List<String>> clientEndpoints();

    /** Load the demo users and catalogue when the cluster has no users yet. Never in production. */
    @WithDefault("false")
    boolean demoData();

    /**
     * The cluster credential every peer presents. Prefer {@code peer-token-file} (a mounted Secret);
     * never put the token in a file of the repository.
     */
    Optional<String> peerToken();

    /** File holding the cluster credential (first line, trimmed). */
    Optional<String> peerTokenFile();

    Raft raft();

    Limits limits();

    Auth auth();

    Assistant assistant();

    Discovery discovery();

    /** A graceful stop (SIGTERM): see docs/booking-node.md "Graceful stop". */
    Shutdown shutdown();

    interface Shutdown {
        /**
         * Once leadership has moved, the public gRPC server takes no new calls (clients move to another node) and
         * waits this long for the calls in flight to finish; calls still running then are cancelled (their clients
         * get UNAVAILABLE and retry with their idempotency key). Raft closes after.
         */
        @WithDefault("3000")
        long callsDrainTimeoutMillis();
    }

    /** Fault injection for tests; every failpoint is off unless set. */
    Failpoints failpoints();

    interface Failpoints {
        /**
         * Applying the registration of this username throws, as a bug in the apply path would: the node
         * must end its process (exit status 70). Set on one node of a test cluster only.
         */
        Optional<String> failApplyOnUsername();
    }

    /** Raft timing and flow-control bounds. */
    /**
     * The booking state's own RocksDB, and what is cached in memory. Its memory is outside the Java heap:
     * heap plus these decide the node's resident size (docs/booking-node.md).
     */
    State state();

    interface State {
        /** Size of one RocksDB memtable of the state store. */
        @WithDefault("16777216")
        long writeBufferBytes();

        /** Memtables the state store keeps at once (one filling, the rest waiting to be flushed). */
        @WithDefault("3")
        int writeBuffersMax();

        /** RocksDB block cache of the state store. */
        @WithDefault("33554432")
        long blockCacheBytes();

        /**
         * Shows whose seat occupancy and records stay cached in memory (17 KB per 1,000-seat show; the others are
         * read from RocksDB when needed). 2,000 held 33 MB of a 224 MiB heap in the soak, where 64 clients sold
         * ~64 shows at a time.
         */
        @WithDefault("512")
        int cachedShowsMax();
    }

    interface Raft {
        /** Length of one Raft tick. */
        @WithDefault("10")
        int tickMillis();

        /**
         * Base election timeout in ticks; the effective one is randomized in [t, 1.5t): 300-450 ms with 10 ms ticks.
         * 20 ticks replaced a SIGKILLed leader ~150 ms sooner, but under full load on two cores the leader's loop
         * stalled 150-230 ms now and then and the followers elected a new leader twice in a minute
         * (docs/BENCHMARKS.md "Failover"). Those stalls were G1 Remark pauses that the launcher's GC options have
         * since removed; 20 ticks has not been measured again.
         */
        @WithDefault("30")
        int electionTimeoutTicks();

        /** Leader heartbeat interval in ticks; must be well below the election timeout. */
        @WithDefault("3")
        int heartbeatIntervalTicks();

        /** Pipelined AppendEntries per follower awaiting an answer. */
        @WithDefault("64")
        int maxInflightAppends();

        /** Entries in one AppendEntries. */
        @WithDefault("512")
        int maxEntriesPerAppend();

        /** Payload bytes in one AppendEntries. */
        @WithDefault("1048576")
        long maxBytesPerAppend();

        /** Bytes per chunk of a snapshot file sent to a follower that copies it. */
        @WithDefault("1048576")
        int snapshotChunkBytes();

        /** Snapshot files this node sends at once; more followers' copies wait (they retry). */
        @WithDefault("2")
        int maxSnapshotStreams();

        /**
         * Entries kept in the log below each snapshot, so a follower behind by fewer catches up from the log
         * instead of copying a whole snapshot.
         */
        @WithDefault("5000")
        long snapshotCatchUpEntries();

        /**
         * Client commands packed into one Raft entry at most: commands proposed at about the same time share
         * an entry (one append, one replication, one apply); a lone command goes alone, at once.
         */
        @WithDefault("256")
        int maxCommandsPerEntry();

        /** Proposals a leader accepts beyond its commit index before refusing more. */
        @WithDefault("10000")
        int maxUncommittedEntries();

        /** Applied entries between two local snapshots (log compaction). */
        @WithDefault("10000")
        long snapshotIntervalEntries();

        /**
         * After a snapshot file, the next snapshot also waits until the entries applied since hold this many times
         * its size in bytes. The booking state's own snapshots are local (its RocksDB synced, no file), so this
         * only matters after a file written for a follower. 0: only the interval counts.
         */
        @WithDefault("1.0")
        double snapshotMinLogRatio();

        /**
         * ...but a snapshot is taken at the latest when the entries since the last one reach this many bytes:
         * the Raft core keeps the log after its start on the heap, so this bounds that part of the heap.
         */
        @WithDefault("33554432")
        long snapshotMaxLogBytes();

        /**
         * Pace of writing snapshot files (for a follower that must copy the state), in bytes per second (0:
         * unlimited): a file written at full speed queues so much I/O that the log's fsyncs on the same disk stall
         * past an election timeout.
         */
        @WithDefault("16777216")
        long snapshotWriteBytesPerSecond();

        /** Bytes of one encoded command; larger client requests are refused before proposing. */
        @WithDefault("65536")
        int maxCommandBytes();

        /** Peer messages buffered for the Raft driver; more are dropped (Raft re-sends). */
        @WithDefault("16384")
        int maxInboxMessages();

        /** Client requests (proposals, reads) queued for the Raft driver; more are refused at once. */
        @WithDefault("16384")
        int maxPendingRequests();

        /** Outbound Raft messages queued per peer; more are dropped and counted. */
        @WithDefault("4096")
        int maxQueuedMessagesPerPeer();

        /** Commit index minus applied index up to which the node still reports ready. */
        @WithDefault("1000")
        long readyMaxApplyLagEntries();

        /** How long a graceful stop waits for a leadership transfer to complete. */
        @WithDefault("3000")
        long transferTimeoutMillis();

        /** How long a client request waits for its proposal or read before DEADLINE_EXCEEDED. */
        @WithDefault("5000")
        long requestTimeoutMillis();

        /** One memtable of the Raft log's RocksDB (off-heap). */
        @WithDefault("8388608")
        long logWriteBufferBytes();

        /** Memtables of the Raft log at most (off-heap: at most this × log-write-buffer-bytes). */
        @WithDefault("3")
        int logWriteBuffersMax();

        /** The Raft log's RocksDB block cache (off-heap). */
        @WithDefault("8388608")
        long logBlockCacheBytes();

        /** Run a pre-vote before real elections (dissertation §9.6). */
        @WithDefault("true")
        boolean preVote();

        /** A leader that loses touch with a quorum steps down (dissertation §6.2). */
        @WithDefault("true")
        boolean checkQuorum();

        /**
         * Lease reads (dissertation §6.4.1): the leader answers linearizable reads without a round while a
         * quorum acknowledged a heartbeat less than election-timeout-ticks minus this many ticks ago. The
         * margin is the clock-drift assumption (members' clocks differ in rate by at most margin /
         * (timeout - margin)); 0 turns lease reads off (every read a ReadIndex round).
         */
        @WithDefault("5")
        int leaseMarginTicks();
    }

    /**
     * Finding the cluster in Kubernetes: waiting for this pod's DNS record before Raft starts, and a joining
     * member adding itself as a learner through the bootstrap members.
     */
    interface Discovery {
        /**
         * Longest wait for this node's own peer host to resolve before Raft starts (a StatefulSet pod's
         * headless-service record appears shortly after the pod); beyond it the node stops with the reason.
         */
        @WithDefault("120000")
        long dnsWaitMillis();

        /**
         * Longest wait of a bootstrap member that starts on an empty volume for every other bootstrap member to
         * say whether its volume holds the cluster (see docs/booking-node.md, "Member identity"); beyond it the
         * node stops with the names of the members that did not answer. Below the Helm chart's startup budget
         * (startupProbe period x failureThreshold, 300 s), so the pod is restarted and asks again.
         */
        @WithDefault("240000")
        long bootstrapWaitMillis();

        /**
         * A joining node (boxoffice.join=true, or a bootstrap member whose volume was lost) asks the bootstrap
         * members to add it as a learner.
         */
        @WithDefault("true")
        boolean selfRegister();

        /** First wait between two registration or DNS attempts; doubles with each failure. */
        @WithDefault("200")
        long backoffMinMillis();

        /** Longest wait between two registration or DNS attempts. */
        @WithDefault("5000")
        long backoffMaxMillis();

        /** Deadline of one AddMember call. */
        @WithDefault("5000")
        long callTimeoutMillis();
    }

    /** Booking limits, stamped into commands by the serving node or checked before proposing. */
    interface Limits {
        /** Seats in one hold or one booking. */
        @WithDefault("10")
        int maxSeatsPerHold();

        /** How long a hold keeps its seats. */
        @WithDefault("600000")
        long holdDurationMillis();

        /** Latest expiry of a hold, counted from its creation; extensions stop there. */
        @WithDefault("1800000")
        long holdLifetimeMaxMillis();

        /** Active holds one user may have at a time. */
        @WithDefault("5")
        int activeHoldsPerUserMax();

        /** Cancellations at least this long before the show get a full refund, later ones none. */
        @WithDefault("7200000")
        long fullRefundBeforeShowMillis();

        /** How long (log time) a result stays remembered under its idempotency key; at least 24 h. */
        @WithDefault("86400000")
        long idempotencyRetentionMillis();

        /** Expired idempotency records one command may prune (bounds the work of one command). */
        @WithDefault("1000")
        int idempotencyPrunePerCommandMax();

        /** Widest row a screen may have. */
        @WithDefault("60")
        int seatsPerRowMax();

        /** How often the leader proposes ExpireHolds. */
        @WithDefault("1000")
        long expireHoldsIntervalMillis();

        /** Client requests a node serves at once (proposals and reads in flight); beyond: RESOURCE_EXHAUSTED. */
        @WithDefault("4096")
        int maxRequestsInFlight();

        /** Threads calling the payment gateway (authorizations) at once. */
        @WithDefault("16")
        int paymentThreads();

        /** Payments waiting for a gateway thread; beyond: RESOURCE_EXHAUSTED, nothing charged. */
        @WithDefault("1024")
        int maxPaymentQueue();

        /** Password hashes computed at once (login, user creation); beyond: RESOURCE_EXHAUSTED. */
        @WithDefault("64")
        int maxHashQueue();
    }

    /** Tokens, passwords and login throttling. */
    interface Auth {
        /** PEM file of the RSA private key that signs tokens (PKCS#8, "BEGIN PRIVATE KEY"). */
        Optional<String> privateKeyFile();

        /** PEM file of the matching RSA public key ("BEGIN PUBLIC KEY"). */
        Optional<String> publicKeyFile();

        /** Issuer claim written into and required from every token. */
        @WithDefault("https://boxoffice.io")
        String issuer();

        /** Lifetime of an issued token. */
        @WithDefault("3600")
        long tokenLifetimeSeconds();

        /** PBKDF2WithHmacSHA256 iterations for new password hashes (OWASP 2023: 600000). */
        @WithDefault("600000")
        int passwordHashIterations();

        /** Failed logins for one user name allowed before backoff starts. */
        @WithDefault("3")
        int loginFailuresBeforeBackoff();

        /** Failed logins from one source address allowed before backoff starts (higher: NATs share addresses). */
        @WithDefault("20")
        int loginFailuresBeforeBackoffPerSource();

        /** First backoff after the allowed failures; doubles with each further failure. */
        @WithDefault("1000")
        long loginBackoffBaseMillis();

        /** Longest backoff. */
        @WithDefault("300000")
        long loginBackoffMaxMillis();

        /** User names and sources tracked by the login throttle; the oldest are forgotten first. */
        @WithDefault("100000")
        int loginThrottleMaxEntries();

        /**
         * File holding the first administrator's password (first line; a mounted Secret in production). When
         * set, the leader creates {@code bootstrap-admin-username} with the roles user and admin once, if no
         * user of that name exists. The way into a cluster that runs without demo data.
         */
        Optional<String> bootstrapAdminPasswordFile();

        /** Name of the administrator created from {@code bootstrap-admin-password-file}. */
        @WithDefault("admin")
        String bootstrapAdminUsername();
    }

    /** The llm-service the Ask RPC calls. */
    interface Assistant {
        /** {@code host:port} of llm-service; absent: Ask answers UNAVAILABLE. */
        Optional<String> address();

        /** Deadline of one call to llm-service. */
        @WithDefault("15000")
        long timeoutMillis();

        /** New tokens the model may generate for one answer. */
        @WithDefault("128")
        int maxNewTokens();

        /** Characters of a question. */
        @WithDefault("1000")
        int maxQuestionLength();
    }
}
