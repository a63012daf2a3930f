package io.boxoffice.booking.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.boxoffice.proto.v1.NodeStatus;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A bootstrap member on an empty volume: forms the cluster only when every other bootstrap member is new
 * too, joins as a new member as soon as one reports a formed cluster, and otherwise asks again, bounded.
 */
class BootstrapProbeTest {

    private static final List<RegistrationTarget> PEERS = List.of(
            new RegistrationTarget("boxoffice-0", "boxoffice-0.peers:9000"),
            new RegistrationTarget("boxoffice-2", "boxoffice-2.peers:9000"));

    private final AtomicLong nowMillis = new AtomicLong(1_000);
    private final List<Long> sleeps = new ArrayList<>();
    private final List<String> asked = new ArrayList<>();
    /** Answers per peer, in order; the last one repeats. */
    private final Map<String, Deque<PeerVolume>> answers = new HashMap<>();

    private void answer(String peer, PeerVolume... volumes) {
        answers.put(peer, new ArrayDeque<>(List.of(volumes)));
    }

    private BootstrapProbe probe() {
        MembershipClient client = new MembershipClient() {
            @Override
            public AddMemberOutcome addMember(RegistrationTarget target, String nodeId, String peerAddress) {
                throw new AssertionError("the probe never adds members");
            }

            @Override
            public PeerVolume volumeOf(RegistrationTarget target, String asNodeId) {
                assertThat(asNodeId).isEqualTo("boxoffice-1");
                asked.add(target.memberId());
                Deque<PeerVolume> queue = answers.get(target.memberId());
                return queue.size() > 1 ? queue.poll() : queue.peek();
            }

            @Override
            public void close() {
            }
        };
        return new BootstrapProbe("boxoffice-1", PEERS, client, new Backoff(100, 800, bound -> bound),
                millis -> {
                    sleeps.add(millis);
                    nowMillis.addAndGet(millis);
                }, nowMillis::get);
    }

    @Test
    void when_every_other_bootstrap_member_is_new_too_then_it_forms_the_cluster() throws Exception {
        answer("boxoffice-0", PeerVolume.EMPTY);
        answer("boxoffice-2", PeerVolume.EMPTY);

        assertThat(probe().run(10_000)).isEqualTo(PeerVolume.Verdict.BOOTSTRAP);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void when_one_member_holds_a_formed_cluster_then_it_joins_without_waiting_for_the_others() throws Exception {
        answer("boxoffice-0", PeerVolume.FORMED);
        answer("boxoffice-2", PeerVolume.UNKNOWN);

        assertThat(probe().run(10_000)).isEqualTo(PeerVolume.Verdict.JOIN);
        assertThat(asked).containsExactly("boxoffice-0");
    }

    @Test
    void a_member_that_does_not_answer_yet_keeps_it_waiting_until_it_answers() throws Exception {
        answer("boxoffice-0", PeerVolume.EMPTY);
        answer("boxoffice-2", PeerVolume.UNKNOWN, PeerVolume.UNKNOWN, PeerVolume.UNKNOWN, PeerVolume.EMPTY);

        assertThat(probe().run(10_000)).isEqualTo(PeerVolume.Verdict.BOOTSTRAP);
        assertThat(sleeps).as("bounded exponential backoff between rounds").containsExactly(100L, 200L, 400L);
    }

    @Test
    void a_member_that_stays_silent_stops_the_node_naming_it_rather_than_risking_a_second_vote() {
        answer("boxoffice-0", PeerVolume.EMPTY);
        answer("boxoffice-2", PeerVolume.UNKNOWN);

        assertThatThrownBy(() -> probe().run(5_000)).isInstanceOf(BootstrapProbe.BootstrapUndecidedException.class)
                .hasMessageContaining("[boxoffice-2] did not answer")
                .hasMessageContaining("boxoffice.discovery.bootstrap-wait-millis");
        assertThat(nowMillis.get() - 1_000).as("gave up at the bound, not before and not much after")
                .isEqualTo(5_000);
    }

    @Test
    void a_peer_that_persisted_a_term_or_any_log_is_formed_and_one_that_persisted_nothing_is_empty() {
        assertThat(PeerVolume.of(NodeStatus.newBuilder().setId("boxoffice-0").build())).isEqualTo(PeerVolume.EMPTY);
        assertThat(PeerVolume.of(NodeStatus.newBuilder().setTerm(1).build())).isEqualTo(PeerVolume.FORMED);
        assertThat(PeerVolume.of(NodeStatus.newBuilder().setLastIndex(3).build())).isEqualTo(PeerVolume.FORMED);
        assertThat(PeerVolume.of(NodeStatus.newBuilder().setSnapshotIndex(500).build())).isEqualTo(PeerVolume.FORMED);
    }

    @Test
    void the_verdict_needs_every_peer_empty_to_bootstrap_and_one_formed_to_join() {
        assertThat(PeerVolume.verdict(List.of(PeerVolume.EMPTY, PeerVolume.EMPTY))).isEqualTo(PeerVolume.Verdict.BOOTSTRAP);
        assertThat(PeerVolume.verdict(List.of(PeerVolume.EMPTY, PeerVolume.UNKNOWN))).isEqualTo(PeerVolume.Verdict.WAIT);
        assertThat(PeerVolume.verdict(List.of(PeerVolume.UNKNOWN, PeerVolume.FORMED))).isEqualTo(PeerVolume.Verdict.JOIN);
        assertThat(PeerVolume.verdict(List.of(PeerVolume.EMPTY, PeerVolume.FORMED))).isEqualTo(PeerVolume.Verdict.JOIN);
    }
}
