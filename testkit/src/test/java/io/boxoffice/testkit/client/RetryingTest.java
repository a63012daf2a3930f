package io.boxoffice.testkit.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryingTest {

    private static final Retrying FAST = Retrying.on(Retrying.UNAVAILABLE_OR_DEADLINE).attemptsMax(5)
            .pausing(Duration.ofMillis(1));

    @Test
    void retriable_failures_move_to_the_next_target_until_one_answers() {
        List<String> nodes = List.of("n1", "n2", "n3");
        List<String> tried = new ArrayList<>();
        Retrying.Outcome<String, String> outcome = FAST.call(attempt -> nodes.get((1 + attempt) % 3), node -> {
            tried.add(node);
            if (!node.equals("n1")) {
                throw Status.UNAVAILABLE.withDescription(node + " is down").asRuntimeException();
            }
            return "booked via " + node;
        });
        assertThat(tried).containsExactly("n2", "n3", "n1");
        assertThat(outcome.succeeded()).isTrue();
        assertThat(outcome.value()).isEqualTo("booked via n1");
        assertThat(outcome.target()).isEqualTo("n1");
        assertThat(outcome.attempts()).isEqualTo(3);
    }

    @Test
    void an_answer_that_is_not_retriable_ends_at_once() {
        AtomicInteger calls = new AtomicInteger();
        Retrying.Outcome<Object, Object> outcome = FAST.call(attempt -> null, ignored -> {
            calls.incrementAndGet();
            throw Status.FAILED_PRECONDITION.withDescription("seat taken").asRuntimeException();
        });
        assertThat(calls).hasValue(1);
        assertThat(outcome.exhausted()).isFalse();
        assertThat(outcome.failure().getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    }

    @Test
    void an_exhausted_bound_is_an_unknown_outcome_and_every_retry_is_reported() {
        AtomicInteger retries = new AtomicInteger();
        Retrying.Outcome<Object, Object> outcome = FAST.onRetry(e -> retries.incrementAndGet())
                .call(attempt -> null, ignored -> {
                    throw Status.DEADLINE_EXCEEDED.asRuntimeException();
                });
        assertThat(outcome.exhausted()).isTrue();
        assertThat(outcome.attempts()).isEqualTo(5);
        assertThat(retries).hasValue(4);
        assertThatThrownBy(outcome::orThrow).isInstanceOf(StatusRuntimeException.class);
    }

    @Test
    void a_time_bound_stops_retrying_too() {
        long start = System.nanoTime();
        Retrying.Outcome<Object, Object> outcome = Retrying.on(Retrying.ANY_FAILURE).within(Duration.ofMillis(100))
                .pausing(Duration.ofMillis(10)).call(attempt -> null, ignored -> {
                    throw Status.INTERNAL.asRuntimeException();
                });
        assertThat(outcome.exhausted()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void the_pause_follows_the_nodes_retry_after_hint_up_to_a_cap() {
        Metadata trailers = new Metadata();
        trailers.put(Metadata.Key.of("x-boxoffice-retry-after-millis", Metadata.ASCII_STRING_MARSHALLER), "250");
        AtomicInteger calls = new AtomicInteger();
        long start = System.nanoTime();
        String value = Retrying.on(Retrying.UNAVAILABLE_OR_DEADLINE).attemptsMax(3)
                .pausingAsHinted(Duration.ofMillis(1), Duration.ofMillis(200)).call(() -> {
                    if (calls.incrementAndGet() == 1) {
                        throw Status.UNAVAILABLE.asRuntimeException(trailers);
                    }
                    return "ok";
                });
        assertThat(value).isEqualTo("ok");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(190), Duration.ofSeconds(5));
    }

    @Test
    void only_unavailable_is_what_a_stopping_node_answers_and_a_reset_stream_is_not() {
        assertThat(Retrying.UNAVAILABLE.test(Status.UNAVAILABLE.asRuntimeException())).isTrue();
        assertThat(Retrying.UNAVAILABLE.test(Status.INTERNAL.withDescription("RST_STREAM closed stream. HTTP/2 "
                + "error code: INTERNAL_ERROR").asRuntimeException())).isFalse();
        assertThat(Retrying.UNAVAILABLE.test(Status.DEADLINE_EXCEEDED.asRuntimeException())).isFalse();
    }
}
