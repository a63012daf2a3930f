package io.boxoffice.booking.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RegistrarTest {

    private static final List<RegistrationTarget> BOOTSTRAP = List.of(
            new RegistrationTarget("boxoffice-0", "boxoffice-0.h:9000"),
            new RegistrationTarget("boxoffice-1", "boxoffice-1.h:9000"),
            new RegistrationTarget("boxoffice-2", "boxoffice-2.h:9000"));
    private static final String SELF = "boxoffice-3.h:7070";

    private final AtomicLong nowMillis = new AtomicLong();
    private final List<Long> sleeps = new ArrayList<>();
    private final AtomicBoolean member = new AtomicBoolean();
    private final AtomicBoolean stopping = new AtomicBoolean();
    /** Calls in order: which member was asked. */
    private final List<String> asked = new ArrayList<>();
    /** Outcomes the fake cluster answers, in order; the configuration reaches the node after {@link #joinAfterMillis}. */
    private final Deque<AddMemberOutcome> answers = new ArrayDeque<>();
    private long joinAfterMillis = Long.MAX_VALUE;

    private Registrar registrar() {
        MembershipClient client = new MembershipClient() {
            @Override
            public AddMemberOutcome addMember(RegistrationTarget target, String nodeId, String peerAddress) {
                assertThat(nodeId).isEqualTo("boxoffice-3");
                assertThat(peerAddress).isEqualTo(SELF);
                asked.add(target.memberId());
                AddMemberOutcome outcome = answers.isEmpty() ? AddMemberOutcome.RETRY : answers.poll();
                if (outcome.registered() && joinAfterMillis == Long.MAX_VALUE - 1) {
                    joinAfterMillis = nowMillis.get() + 300; // The configuration entry arrives a bit later.
                }
                return outcome;
            }

            @Override
            public PeerVolume volumeOf(RegistrationTarget target, String asNodeId) {
                throw new AssertionError("a registration never asks about volumes");
            }

            @Override
            public void close() {
            }
        };
        return new Registrar("boxoffice-3", SELF, BOOTSTRAP, client,
                () -> member.get() || nowMillis.get() >= joinAfterMillis, stopping::get,
                new Backoff(200, 1000, bound -> bound), millis -> {
                    sleeps.add(millis);
                    nowMillis.addAndGet(millis);
                }, nowMillis::get);
    }

    @Test
    void when_members_are_down_then_it_asks_the_next_one_with_growing_backoff_until_added() throws Exception {
        answers.addAll(List.of(AddMemberOutcome.RETRY, AddMemberOutcome.RETRY, AddMemberOutcome.RETRY,
                AddMemberOutcome.ADDED));
        joinAfterMillis = Long.MAX_VALUE - 1;

        assertThat(registrar().run()).isEqualTo(Registrar.Result.JOINED);

        assertThat(asked).containsExactly("boxoffice-0", "boxoffice-1", "boxoffice-2", "boxoffice-0");
        // Three backoffs, then polls of the configuration until the entry arrives (300 ms): no further call.
        assertThat(sleeps).containsExactly(200L, 400L, 800L, 100L, 100L, 100L);
    }

    @Test
    void when_the_cluster_says_already_a_member_then_that_counts_as_registered() throws Exception {
        answers.add(AddMemberOutcome.ALREADY_MEMBER);
        joinAfterMillis = Long.MAX_VALUE - 1;

        assertThat(registrar().run()).isEqualTo(Registrar.Result.JOINED);

        assertThat(asked).containsExactly("boxoffice-0");
    }

    @Test
    void when_the_volume_already_holds_a_configuration_with_this_node_then_nobody_is_asked() throws Exception {
        member.set(true);

        assertThat(registrar().run()).isEqualTo(Registrar.Result.JOINED);

        assertThat(asked).isEmpty();
        assertThat(sleeps).isEmpty();
    }

    @Test
    void when_the_configuration_does_not_arrive_after_a_success_then_it_asks_again_later() throws Exception {
        answers.addAll(List.of(AddMemberOutcome.ADDED, AddMemberOutcome.ALREADY_MEMBER));
        joinAfterMillis = Registrar.CONFIRMATION_WAIT_MILLIS + 500;

        assertThat(registrar().run()).isEqualTo(Registrar.Result.JOINED);

        assertThat(asked).containsExactly("boxoffice-0", "boxoffice-1");
        assertThat(sleeps).allMatch(millis -> millis == Registrar.POLL_MILLIS);
    }

    @Test
    void when_the_node_stops_then_the_loop_ends_without_joining() throws Exception {
        // Stops after the backoff grew to its maximum: the loop keeps its bounded pace meanwhile.
        Registrar stoppingSoon = new Registrar("boxoffice-3", SELF, BOOTSTRAP, new MembershipClient() {
            @Override
            public AddMemberOutcome addMember(RegistrationTarget target, String nodeId, String peerAddress) {
                asked.add(target.memberId());
                if (asked.size() == 6) {
                    stopping.set(true);
                }
                return AddMemberOutcome.MISCONFIGURED;
            }

            @Override
            public PeerVolume volumeOf(RegistrationTarget target, String asNodeId) {
                throw new AssertionError("a registration never asks about volumes");
            }

            @Override
            public void close() {
            }
        }, member::get, stopping::get, new Backoff(200, 1000, bound -> bound), millis -> {
            sleeps.add(millis);
            nowMillis.addAndGet(millis);
        }, nowMillis::get);

        assertThat(stoppingSoon.run()).isEqualTo(Registrar.Result.STOPPED);

        assertThat(asked).hasSize(6);
        assertThat(sleeps).containsExactly(200L, 400L, 800L, 1000L, 1000L, 1000L);
    }

    @Test
    void when_nobody_can_be_asked_then_it_refuses_to_start() {
        assertThatThrownBy(() -> new Registrar("boxoffice-3", SELF, List.of(), null, member::get, stopping::get,
                new Backoff(1, 1, bound -> 0), millis -> { }, nowMillis::get))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
