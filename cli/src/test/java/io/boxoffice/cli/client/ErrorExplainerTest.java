package io.boxoffice.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Metadata;
import io.grpc.Status;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ErrorExplainerTest {

    private static CallFailedException failure(Status status, Metadata trailers, int attempts) {
        return new CallFailedException(status.asRuntimeException(trailers), attempts,
                new Endpoint(Optional.of("node1"), "127.0.0.1", 9101));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "UNAVAILABLE | io exception | No booking node answered (last tried node1 (127.0.0.1:9101)): is the cluster running?",
            "UNAVAILABLE | no leader yet (election in progress) | The service is unavailable right now: no leader yet",
            "DEADLINE_EXCEEDED | deadline | The cluster did not answer in time",
            "UNAUTHENTICATED | token expired | Not logged in, or the session expired (token expired): log in again",
            "PERMISSION_DENIED | needs the admin role | Not allowed: needs the admin role",
            "INVALID_ARGUMENT | seat_ids: 'Q99' is not a seat | Invalid input: seat_ids: 'Q99' is not a seat",
            "NOT_FOUND | booking bkg_x not found | Not found: booking bkg_x not found",
            "FAILED_PRECONDITION | payment declined | Not possible now: payment declined",
            "RESOURCE_EXHAUSTED | 5 active holds | Limit reached: 5 active holds",
            "INTERNAL | boom | Server error (INTERNAL): boom",
    })
    void every_status_becomes_one_explaining_line(Status.Code code, String description, String expectedStart) {
        String line = ErrorExplainer.explain(failure(Status.fromCode(code).withDescription(description), new Metadata(), 1));
        assertThat(line).startsWith(expectedStart).doesNotContain("\n").doesNotContain("Exception");
    }

    @Test
    void taken_seats_are_named() {
        Metadata trailers = new Metadata();
        trailers.put(RetryPolicy.TAKEN_SEATS, "C5,C6");
        String line = ErrorExplainer.explain(failure(Status.FAILED_PRECONDITION.withDescription("seats taken"), trailers, 1));
        assertThat(line).startsWith("Seats C5, C6 are already taken: pick other seats");
    }

    @Test
    void multi_line_messages_are_folded_and_attempts_counted() {
        String line = ErrorExplainer.explain(failure(Status.UNAVAILABLE.withDescription("first\nsecond"), new Metadata(), 4));
        assertThat(line).isEqualTo("The service is unavailable right now after 4 attempts: first second");
    }

    @ParameterizedTest
    @CsvSource({"FAILED_PRECONDITION, 3", "UNAUTHENTICATED, 4", "UNAVAILABLE, 5", "DEADLINE_EXCEEDED, 5", "NOT_FOUND, 1"})
    void exit_codes_tell_scripts_what_happened(Status.Code code, int exit) {
        assertThat(ErrorExplainer.exitCode(failure(Status.fromCode(code), new Metadata(), 1))).isEqualTo(exit);
    }

    @Test
    void local_problems_are_explained_too() {
        assertThat(ErrorExplainer.explain(new NotLoggedInException())).startsWith("Not logged in: run `bookingctl login`");
        assertThat(ErrorExplainer.explain(new IllegalArgumentException("give either --seats or --best")))
                .isEqualTo("Invalid input: give either --seats or --best");
    }
}
