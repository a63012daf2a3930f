package io.boxoffice.booking.discovery;

import io.boxoffice.booking.auth.TokenService;
import io.boxoffice.booking.config.BoxofficeConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * The start-up question of a bootstrap member ({@code boxoffice.peers} names it) whose volume is empty: is
 * this the first start of a new cluster, or was this pod's volume lost? It cannot tell from its own disk, so
 * it asks the other bootstrap members what their volumes hold ({@link PeerVolume#verdict}) until the answer
 * is certain: every other member empty (form the cluster under the pod name), or one of them formed (join
 * as a new member). Bounded: a member that never answers stops the node with the list of who is missing.
 *
 * <p>Runs on the start-up thread and blocks it; not thread-safe.
 */
public final class BootstrapProbe {

    private static final Logger LOG = Logger.getLogger(BootstrapProbe.class);

    private final String podName;
    private final List<RegistrationTarget> peers;
    private final MembershipClient client;
    private final Backoff backoff;
    private final DnsWait.Sleeper sleeper;
    private final LongSupplier clockMillis;

    BootstrapProbe(String podName, List<RegistrationTarget> peers, MembershipClient client, Backoff backoff,
                   DnsWait.Sleeper sleeper, LongSupplier clockMillis) {
        if (peers.isEmpty()) {
            throw new IllegalArgumentException("a bootstrap probe needs at least one other bootstrap member");
        }
        this.podName = podName;
        this.peers = List.copyOf(peers);
        this.client = client;
        this.backoff = backoff;
        this.sleeper = sleeper;
        this.clockMillis = clockMillis;
    }

    /**
     * Asks the other bootstrap members over the client gRPC API with tokens this node mints, backing off
     * between rounds as the discovery settings say, for at most {@code discovery.bootstrap-wait-millis}.
     */
    public static PeerVolume.Verdict ask(String podName, List<RegistrationTarget> peers, TokenService tokens,
                                         BoxofficeConfig.Discovery discovery) throws InterruptedException {
        try (MembershipClient client = new GrpcMembershipClient(tokens, discovery.callTimeoutMillis())) {
            return new BootstrapProbe(podName, peers, client, new Backoff(discovery.backoffMinMillis(),
                    discovery.backoffMaxMillis(), bound -> ThreadLocalRandom.current().nextLong(bound + 1)),
                    Thread::sleep, System::currentTimeMillis).run(discovery.bootstrapWaitMillis());
        }
    }

    /** Rounds of questions until the verdict is certain; throws when it is not after {@code maxWaitMillis}. */
    PeerVolume.Verdict run(long maxWaitMillis) throws InterruptedException {
        long startMillis = clockMillis.getAsLong();
        int rounds = 0;
        while (true) {
            rounds++;
            Map<String, PeerVolume> answers = new LinkedHashMap<>();
            for (RegistrationTarget peer : peers) {
                PeerVolume volume = client.volumeOf(peer, podName);
                answers.put(peer.memberId(), volume);
                if (volume == PeerVolume.FORMED) {
                    break; // Proof enough; no need to wait for the others.
                }
            }
            PeerVolume.Verdict verdict = PeerVolume.verdict(answers.values());
            if (verdict != PeerVolume.Verdict.WAIT) {
                LOG.infof("%s has an empty volume and asked the bootstrap members %s: %s", podName, answers,
                        verdict == PeerVolume.Verdict.BOOTSTRAP ? "every one is new too, so this is the first start "
                                + "of the cluster; forming it under the pod name"
                                : "the cluster exists, so this pod's volume was lost; joining as a new member");
                return verdict;
            }
            long waitedMillis = clockMillis.getAsLong() - startMillis;
            List<String> silent = answers.entrySet().stream().filter(answer -> answer.getValue() == PeerVolume.UNKNOWN)
                    .map(Map.Entry::getKey).toList();
            if (waitedMillis >= maxWaitMillis) {
                throw new BootstrapUndecidedException(podName + " starts on an empty volume and cannot tell a new "
                        + "cluster from a lost volume: bootstrap members " + silent + " did not answer within "
                        + waitedMillis + " ms (" + rounds + " rounds). Forming the cluster without them could let "
                        + "this pod vote twice in one term, so it stops instead. Start those members (or check "
                        + "their client port and boxoffice.client-endpoints), or raise "
                        + "boxoffice.discovery.bootstrap-wait-millis");
            }
            long delayMillis = Math.min(backoff.nextDelayMillis(), maxWaitMillis - waitedMillis);
            if (Integer.bitCount(rounds) == 1) {
                // Logged on the 1st, 2nd, 4th, 8th... round: visible without flooding the log.
                LOG.infof("%s has an empty volume; waiting for bootstrap members %s to say what their volumes hold "
                        + "(answers so far %s); asking again in %d ms, giving up after %d ms", podName, silent,
                        answers, delayMillis, maxWaitMillis);
            }
            sleeper.sleep(Math.max(1, delayMillis));
        }
    }

    /** The probe ran out of time; the message says who did not answer and what to do. */
    public static final class BootstrapUndecidedException extends RuntimeException {
        public BootstrapUndecidedException(String message) {
            super(message);
        }
    }
}
