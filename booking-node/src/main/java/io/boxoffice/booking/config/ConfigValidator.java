package io.boxoffice.booking.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Checks a {@link BoxofficeConfig} as a whole and resolves it into {@link NodeSettings}. Every problem
 * is collected, each with the fix, and reported at once: an operator should not discover them one
 * restart at a time.
 */
public final class ConfigValidator {

    /** Shortest cluster credential accepted: 128 bits written as hex. */
    static final int PEER_TOKEN_MIN_LENGTH = 32;

    private static final String KEY_HELP = "; generate a pair with: openssl genpkey -algorithm RSA "
            + "-pkeyopt rsa_keygen_bits:2048 -out jwt-private.pem && openssl pkey -in jwt-private.pem -pubout "
            + "-out jwt-public.pem";

    private ConfigValidator() {
    }

    /** Resolves the settings, or throws {@link InvalidConfigurationException} listing every problem. */
    public static NodeSettings resolve(BoxofficeConfig config) {
        List<String> problems = new ArrayList<>();
        checkNode(config, problems);
        List<PeerSpec> members = checkMembers(config, problems);
        checkRaft(config.raft(), problems);
        checkState(config.state(), problems);
        checkLimits(config.limits(), problems);
        checkAuth(config.auth(), problems);
        checkAssistant(config.assistant(), problems);
        checkDiscovery(config.discovery(), problems);
        positive("boxoffice.shutdown.calls-drain-timeout-millis", config.shutdown().callsDrainTimeoutMillis(), problems);
        Path dataDir = checkDataDir(config.dataDir(), problems);
        List<PeerSpec> clientEndpoints = PeerSpec.parseAll("boxoffice.client-endpoints",
                config.clientEndpoints().orElse(List.of()), problems);
        boolean singleNode = !config.join() && members.size() <= 1;
        String token = peerToken(config, singleNode, problems);
        Path privateKey = keyFile("boxoffice.auth.private-key-file", config.auth().privateKeyFile(), problems);
        Path publicKey = keyFile("boxoffice.auth.public-key-file", config.auth().publicKeyFile(), problems);
        checkBootstrapAdmin(config.auth(), problems);
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
        String selfAddress = members.stream().filter(m -> m.id().equals(config.nodeId())).map(PeerSpec::address)
                .findFirst().orElse(config.peerHost() + ":" + config.peerPort());
        boolean generated = token == null;
        if (generated) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            token = HexFormat.of().formatHex(random);
        }
        return new NodeSettings(config.nodeId(), config.clusterId(), config.join() ? List.of() : members,
                selfAddress, token, generated, dataDir, privateKey, publicKey, clientEndpoints);
    }

    private static void checkNode(BoxofficeConfig config, List<String> problems) {
        if (!PeerSpec.MEMBER_ID.matcher(config.nodeId()).matches()) {
            problems.add("boxoffice.node-id '" + config.nodeId() + "' must be lower-case letters, digits and '-', "
                    + "at most 63 characters (use the StatefulSet pod name, e.g. boxoffice-0)");
        }
        if (config.clusterId().isBlank()) {
            problems.add("boxoffice.cluster-id must not be blank; every member of one cluster uses the same value");
        }
        checkPort("boxoffice.peer-port", config.peerPort(), problems);
        checkPort("boxoffice.grpc-port", config.grpcPort(), problems);
        checkPort("boxoffice.http-port", config.httpPort(), problems);
        if (config.peerPort() == config.grpcPort() || config.peerPort() == config.httpPort()
                || config.grpcPort() == config.httpPort()) {
            problems.add("boxoffice.peer-port (" + config.peerPort() + "), boxoffice.grpc-port (" + config.grpcPort()
                    + ") and boxoffice.http-port (" + config.httpPort() + ") must be three different ports");
        }
    }

    private static List<PeerSpec> checkMembers(BoxofficeConfig config, List<String> problems) {
        List<String> entries = config.peers().orElse(List.of());
        List<PeerSpec> members = new ArrayList<>(PeerSpec.parseAll("boxoffice.peers", entries, problems));
        if (config.join()) {
            return members;
        }
        if (members.isEmpty() && entries.stream().allMatch(String::isBlank)) {
            return List.of(new PeerSpec(config.nodeId(), config.peerHost() + ":" + config.peerPort()));
        }
        Optional<PeerSpec> self = members.stream().filter(m -> m.id().equals(config.nodeId())).findFirst();
        if (self.isEmpty() && !members.isEmpty()) {
            problems.add("boxoffice.peers does not list this node '" + config.nodeId() + "'; add "
                    + config.nodeId() + "=<host>:" + config.peerPort() + " or set boxoffice.join=true to join a "
                    + "running cluster as a new member");
        }
        self.ifPresent(spec -> {
            String port = spec.address().substring(spec.address().lastIndexOf(':') + 1);
            if (!port.equals(String.valueOf(config.peerPort()))) {
                problems.add("boxoffice.peers gives this node the address " + spec.address()
                        + " but boxoffice.peer-port is " + config.peerPort() + "; make the ports agree");
            }
        });
        if (members.size() % 2 == 0 && !members.isEmpty()) {
            problems.add("boxoffice.peers lists " + members.size() + " members; use an odd number (3 or 5): an even "
                    + "cluster tolerates no more failures than the next smaller odd one and risks more");
        }
        return members;
    }

    private static void checkRaft(BoxofficeConfig.Raft raft, List<String> problems) {
        positive("boxoffice.raft.tick-millis", raft.tickMillis(), problems);
        positive("boxoffice.raft.heartbeat-interval-ticks", raft.heartbeatIntervalTicks(), problems);
        if (raft.electionTimeoutTicks() < 2 * Math.max(1, raft.heartbeatIntervalTicks())) {
            problems.add("boxoffice.raft.election-timeout-ticks (" + raft.electionTimeoutTicks()
                    + ") must be at least twice boxoffice.raft.heartbeat-interval-ticks ("
                    + raft.heartbeatIntervalTicks() + "), or followers time out between heartbeats");
        }
        long electionMillis = (long) raft.electionTimeoutTicks() * raft.tickMillis();
        if (raft.leaseMarginTicks() < 0 || raft.leaseMarginTicks() >= raft.electionTimeoutTicks()) {
            problems.add("boxoffice.raft.lease-margin-ticks must be in 0.." + (raft.electionTimeoutTicks() - 1)
                    + " (0 turns lease reads off), was " + raft.leaseMarginTicks());
        }
        if (raft.leaseMarginTicks() > 0 && !raft.checkQuorum()) {
            problems.add("boxoffice.raft.lease-margin-ticks > 0 (lease reads) needs boxoffice.raft.check-quorum=true; "
                    + "set lease-margin-ticks=0 to turn check-quorum off");
        }
        positive("boxoffice.raft.max-inflight-appends", raft.maxInflightAppends(), problems);
        positive("boxoffice.raft.max-entries-per-append", raft.maxEntriesPerAppend(), problems);
        positive("boxoffice.raft.max-bytes-per-append", raft.maxBytesPerAppend(), problems);
        if (raft.snapshotChunkBytes() < 1024 || raft.snapshotChunkBytes() > 8 * 1024 * 1024) {
            problems.add("boxoffice.raft.snapshot-chunk-bytes must be in 1024..8388608, was " + raft.snapshotChunkBytes());
        }
        positive("boxoffice.raft.max-snapshot-streams", raft.maxSnapshotStreams(), problems);
        if (raft.snapshotCatchUpEntries() < 0) {
            problems.add("boxoffice.raft.snapshot-catch-up-entries must be >= 0, was " + raft.snapshotCatchUpEntries());
        }
        positive("boxoffice.raft.max-uncommitted-entries", raft.maxUncommittedEntries(), problems);
        positive("boxoffice.raft.snapshot-interval-entries", raft.snapshotIntervalEntries(), problems);
        if (!(raft.snapshotMinLogRatio() >= 0 && raft.snapshotMinLogRatio() <= 1000)) {
            problems.add("boxoffice.raft.snapshot-min-log-ratio must be in 0..1000, was " + raft.snapshotMinLogRatio());
        }
        if (raft.snapshotMaxLogBytes() < 1 << 20) {
            problems.add("boxoffice.raft.snapshot-max-log-bytes must be at least 1048576, was " + raft.snapshotMaxLogBytes());
        }
        if (raft.snapshotWriteBytesPerSecond() != 0 && raft.snapshotWriteBytesPerSecond() < 1 << 20) {
            problems.add("boxoffice.raft.snapshot-write-bytes-per-second must be 0 (unlimited) or at least 1048576,"
                    + " was " + raft.snapshotWriteBytesPerSecond());
        }
        positive("boxoffice.raft.max-command-bytes", raft.maxCommandBytes(), problems);
        if (raft.logWriteBufferBytes() < (1 << 20)) {
            problems.add("boxoffice.raft.log-write-buffer-bytes must be at least 1048576 (1 MiB), was "
                    + raft.logWriteBufferBytes());
        }
        if (raft.logWriteBuffersMax() < 2) {
            problems.add("boxoffice.raft.log-write-buffers-max must be at least 2, was " + raft.logWriteBuffersMax());
        }
        if (raft.logBlockCacheBytes() < (1 << 20)) {
            problems.add("boxoffice.raft.log-block-cache-bytes must be at least 1048576 (1 MiB), was "
                    + raft.logBlockCacheBytes());
        }
        if (raft.maxCommandsPerEntry() < 1 || raft.maxCommandsPerEntry() > 4096) {
            problems.add("boxoffice.raft.max-commands-per-entry must be in 1..4096, was " + raft.maxCommandsPerEntry());
        }
        if (raft.maxCommandBytes() > raft.maxBytesPerAppend()) {
            problems.add("boxoffice.raft.max-command-bytes (" + raft.maxCommandBytes()
                    + ") must not exceed boxoffice.raft.max-bytes-per-append (" + raft.maxBytesPerAppend() + ")");
        }
        if (raft.maxInboxMessages() < 16) {
            problems.add("boxoffice.raft.max-inbox-messages must be >= 16, was " + raft.maxInboxMessages());
        }
        positive("boxoffice.raft.max-pending-requests", raft.maxPendingRequests(), problems);
        positive("boxoffice.raft.max-queued-messages-per-peer", raft.maxQueuedMessagesPerPeer(), problems);
        positive("boxoffice.raft.ready-max-apply-lag-entries", raft.readyMaxApplyLagEntries(), problems);
        if (raft.transferTimeoutMillis() < electionMillis) {
            problems.add("boxoffice.raft.transfer-timeout-millis (" + raft.transferTimeoutMillis()
                    + ") must be at least one election timeout (" + electionMillis + " ms)");
        }
        positive("boxoffice.raft.transfer-timeout-millis", raft.transferTimeoutMillis(), problems);
        positive("boxoffice.raft.request-timeout-millis", raft.requestTimeoutMillis(), problems);
        if (raft.requestTimeoutMillis() < 2L * electionMillis) {
            problems.add("boxoffice.raft.request-timeout-millis (" + raft.requestTimeoutMillis()
                    + ") must be at least two election timeouts (" + 2L * electionMillis
                    + " ms), or requests fail during every election");
        }
    }

    private static void checkState(BoxofficeConfig.State state, List<String> problems) {
        if (state.writeBufferBytes() < (1 << 20)) {
            problems.add("boxoffice.state.write-buffer-bytes must be at least 1048576 (1 MiB), was "
                    + state.writeBufferBytes());
        }
        if (state.writeBuffersMax() < 2) {
            problems.add("boxoffice.state.write-buffers-max must be at least 2, was " + state.writeBuffersMax());
        }
        if (state.blockCacheBytes() < (1 << 20)) {
            problems.add("boxoffice.state.block-cache-bytes must be at least 1048576 (1 MiB), was "
                    + state.blockCacheBytes());
        }
        positive("boxoffice.state.cached-shows-max", state.cachedShowsMax(), problems);
    }

    private static void checkLimits(BoxofficeConfig.Limits limits, List<String> problems) {
        positive("boxoffice.limits.max-seats-per-hold", limits.maxSeatsPerHold(), problems);
        if (limits.maxSeatsPerHold() > 100) {
            problems.add("boxoffice.limits.max-seats-per-hold (" + limits.maxSeatsPerHold()
                    + ") must be at most 100; larger groups book in several holds");
        }
        positive("boxoffice.limits.hold-duration-millis", limits.holdDurationMillis(), problems);
        if (limits.holdLifetimeMaxMillis() < limits.holdDurationMillis()) {
            problems.add("boxoffice.limits.hold-lifetime-max-millis (" + limits.holdLifetimeMaxMillis()
                    + ") must be >= boxoffice.limits.hold-duration-millis (" + limits.holdDurationMillis()
                    + "); equal values disable extensions");
        }
        positive("boxoffice.limits.active-holds-per-user-max", limits.activeHoldsPerUserMax(), problems);
        if (limits.fullRefundBeforeShowMillis() < 0) {
            problems.add("boxoffice.limits.full-refund-before-show-millis must be >= 0, was "
                    + limits.fullRefundBeforeShowMillis());
        }
        if (limits.idempotencyRetentionMillis() < 86_400_000L) {
            problems.add("boxoffice.limits.idempotency-retention-millis (" + limits.idempotencyRetentionMillis()
                    + ") must be at least 86400000 (24 h): clients retry after failovers and expect the first result");
        }
        positive("boxoffice.limits.idempotency-prune-per-command-max", limits.idempotencyPrunePerCommandMax(),
                problems);
        if (limits.seatsPerRowMax() < 1 || limits.seatsPerRowMax() > 60) {
            problems.add("boxoffice.limits.seats-per-row-max must be between 1 and 60 (seat ids are A1..Z60), was "
                    + limits.seatsPerRowMax());
        }
        positive("boxoffice.limits.expire-holds-interval-millis", limits.expireHoldsIntervalMillis(), problems);
        if (limits.expireHoldsIntervalMillis() > limits.holdDurationMillis()) {
            problems.add("boxoffice.limits.expire-holds-interval-millis (" + limits.expireHoldsIntervalMillis()
                    + ") must not exceed boxoffice.limits.hold-duration-millis (" + limits.holdDurationMillis()
                    + "), or seats stay held long after their hold expired");
        }
        positive("boxoffice.limits.max-requests-in-flight", limits.maxRequestsInFlight(), problems);
        positive("boxoffice.limits.max-hash-queue", limits.maxHashQueue(), problems);
        positive("boxoffice.limits.payment-threads", limits.paymentThreads(), problems);
        positive("boxoffice.limits.max-payment-queue", limits.maxPaymentQueue(), problems);
    }

    private static void checkAuth(BoxofficeConfig.Auth auth, List<String> problems) {
        if (auth.issuer().isBlank()) {
            problems.add("boxoffice.auth.issuer must not be blank; every member must use the same issuer");
        }
        positive("boxoffice.auth.token-lifetime-seconds", auth.tokenLifetimeSeconds(), problems);
        if (auth.passwordHashIterations() < 1000) {
            problems.add("boxoffice.auth.password-hash-iterations (" + auth.passwordHashIterations()
                    + ") must be at least 1000; use 600000 in production (OWASP recommendation for PBKDF2-SHA256)");
        }
        if (auth.loginFailuresBeforeBackoff() < 0) {
            problems.add("boxoffice.auth.login-failures-before-backoff must be >= 0, was "
                    + auth.loginFailuresBeforeBackoff());
        }
        if (auth.loginFailuresBeforeBackoffPerSource() < auth.loginFailuresBeforeBackoff()) {
            problems.add("boxoffice.auth.login-failures-before-backoff-per-source ("
                    + auth.loginFailuresBeforeBackoffPerSource() + ") must be >= "
                    + "boxoffice.auth.login-failures-before-backoff (" + auth.loginFailuresBeforeBackoff() + ")");
        }
        positive("boxoffice.auth.login-backoff-base-millis", auth.loginBackoffBaseMillis(), problems);
        if (auth.loginBackoffMaxMillis() < auth.loginBackoffBaseMillis()) {
            problems.add("boxoffice.auth.login-backoff-max-millis (" + auth.loginBackoffMaxMillis()
                    + ") must be >= boxoffice.auth.login-backoff-base-millis (" + auth.loginBackoffBaseMillis() + ")");
        }
        positive("boxoffice.auth.login-throttle-max-entries", auth.loginThrottleMaxEntries(), problems);
    }

    private static void checkAssistant(BoxofficeConfig.Assistant assistant, List<String> problems) {
        assistant.address().ifPresent(address -> {
            String problem = PeerSpec.addressProblem(address.trim());
            if (problem != null) {
                problems.add("boxoffice.assistant.address: " + problem + " (the llm-service gRPC address, e.g. "
                        + "localhost:50051)");
            }
        });
        positive("boxoffice.assistant.timeout-millis", assistant.timeoutMillis(), problems);
        positive("boxoffice.assistant.max-new-tokens", assistant.maxNewTokens(), problems);
        positive("boxoffice.assistant.max-question-length", assistant.maxQuestionLength(), problems);
    }

    private static void checkDiscovery(BoxofficeConfig.Discovery discovery, List<String> problems) {
        if (discovery.dnsWaitMillis() < 0) {
            problems.add("boxoffice.discovery.dns-wait-millis must be >= 0 (0: do not wait), was "
                    + discovery.dnsWaitMillis());
        }
        positive("boxoffice.discovery.backoff-min-millis", discovery.backoffMinMillis(), problems);
        if (discovery.backoffMaxMillis() < discovery.backoffMinMillis()) {
            problems.add("boxoffice.discovery.backoff-max-millis (" + discovery.backoffMaxMillis()
                    + ") must be >= boxoffice.discovery.backoff-min-millis (" + discovery.backoffMinMillis() + ")");
        }
        positive("boxoffice.discovery.call-timeout-millis", discovery.callTimeoutMillis(), problems);
        positive("boxoffice.discovery.bootstrap-wait-millis", discovery.bootstrapWaitMillis(), problems);
    }

    private static Path checkDataDir(String dataDir, List<String> problems) {
        try {
            Path path = Path.of(dataDir).toAbsolutePath();
            if (Files.exists(path) && !Files.isDirectory(path)) {
                problems.add("boxoffice.data-dir " + path + " exists but is not a directory");
            } else if (Files.exists(path) && !Files.isWritable(path)) {
                problems.add("boxoffice.data-dir " + path + " is not writable by this process; fix its owner or "
                        + "mode (in Kubernetes: securityContext.fsGroup)");
            }
            return path;
        } catch (InvalidPathException e) {
            problems.add("boxoffice.data-dir '" + dataDir + "' is not a valid path: " + e.getMessage());
            return null;
        }
    }

    private static String peerToken(BoxofficeConfig config, boolean singleNode, List<String> problems) {
        Optional<String> inline = config.peerToken().map(String::trim).filter(t -> !t.isEmpty());
        Optional<String> file = config.peerTokenFile().map(String::trim).filter(t -> !t.isEmpty());
        if (inline.isPresent() && file.isPresent()) {
            problems.add("set only one of boxoffice.peer-token and boxoffice.peer-token-file");
            return null;
        }
        String token = inline.orElse(null);
        if (file.isPresent()) {
            try {
                List<String> lines = Files.readAllLines(Path.of(file.get()), StandardCharsets.UTF_8);
                token = lines.isEmpty() ? "" : lines.get(0).trim();
            } catch (IOException | InvalidPathException e) {
                problems.add("boxoffice.peer-token-file " + file.get() + " cannot be read (" + e + "); mount the "
                        + "cluster credential Secret there or fix the path");
                return null;
            }
        }
        if (token == null) {
            if (!singleNode) {
                problems.add("a cluster of several members needs a cluster credential: set BOXOFFICE_PEER_TOKEN or "
                        + "boxoffice.peer-token-file to the same secret on every member (generate one with: "
                        + "openssl rand -hex 32)");
            }
            return null;
        }
        if (token.length() < PEER_TOKEN_MIN_LENGTH) {
            problems.add("the cluster credential is " + token.length() + " characters; use at least "
                    + PEER_TOKEN_MIN_LENGTH + " (generate one with: openssl rand -hex 32)");
        }
        return token;
    }

    private static void checkBootstrapAdmin(BoxofficeConfig.Auth auth, List<String> problems) {
        Optional<String> file = auth.bootstrapAdminPasswordFile().filter(value -> !value.isBlank());
        if (file.isEmpty()) {
            return;
        }
        try {
            Path path = Path.of(file.get().trim());
            if (!Files.isReadable(path)) {
                problems.add("boxoffice.auth.bootstrap-admin-password-file " + path.toAbsolutePath()
                        + " does not exist or is not readable; mount the Secret there or unset the key");
            } else if (Files.readAllLines(path).stream().findFirst().map(String::strip).orElse("").length() < 8) {
                problems.add("boxoffice.auth.bootstrap-admin-password-file must hold a password of at least 8 "
                        + "characters on its first line, for example: openssl rand -base64 18 > admin-password");
            }
        } catch (InvalidPathException | java.io.IOException e) {
            problems.add("boxoffice.auth.bootstrap-admin-password-file '" + file.get() + "' cannot be read: " + e);
        }
        if (!PeerSpec.MEMBER_ID.matcher(auth.bootstrapAdminUsername()).matches()) {
            problems.add("boxoffice.auth.bootstrap-admin-username '" + auth.bootstrapAdminUsername()
                    + "' must be lower-case letters, digits and '-'");
        }
    }

    private static Path keyFile(String key, Optional<String> value, List<String> problems) {
        if (value.isEmpty() || value.get().isBlank()) {
            problems.add(key + " is not set" + KEY_HELP);
            return null;
        }
        try {
            Path path = Path.of(value.get().trim());
            if (!Files.isReadable(path)) {
                problems.add(key + " " + path.toAbsolutePath() + " does not exist or is not readable" + KEY_HELP);
            }
            return path;
        } catch (InvalidPathException e) {
            problems.add(key + " '" + value.get() + "' is not a valid path");
            return null;
        }
    }

    private static void checkPort(String key, int port, List<String> problems) {
        if (port < 1 || port > 65535) {
            problems.add(key + " must be between 1 and 65535, was " + port);
        }
    }

    private static void positive(String key, long value, List<String> problems) {
        if (value < 1) {
            problems.add(key + " must be >= 1, was " + value);
        }
    }
}
