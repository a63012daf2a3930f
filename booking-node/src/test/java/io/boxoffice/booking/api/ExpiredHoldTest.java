package io.boxoffice.booking.api;

import static io.boxoffice.booking.testing.GrpcClients.fails;
import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.booking.testing.Fixtures;
import io.boxoffice.booking.testing.GrpcClients;
import io.boxoffice.booking.testing.ShortHoldsProfile;
import io.boxoffice.proto.v1.ConfirmHoldRequest;
import io.boxoffice.proto.v1.ExtendHoldRequest;
import io.boxoffice.proto.v1.Hold;
import io.boxoffice.proto.v1.HoldSeatsRequest;
import io.boxoffice.proto.v1.ListMyHoldsRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;

/** Holds that really expire, on a node configured with 1.5 s holds. */
@QuarkusTest
@TestProfile(ShortHoldsProfile.class)
@Tag("quarkus")
class ExpiredHoldTest {

    @Test
    void when_a_hold_expired_then_confirm_fails_and_charges_nothing_and_the_leader_records_the_expiry()
            throws InterruptedException {
        String showId = Fixtures.show(0).getId();
        var booking = GrpcClients.booking(GrpcClients.token("user1", "password1"));
        Hold hold = booking.holdSeats(HoldSeatsRequest.newBuilder().setShowId(showId)
                .addSeatIds("C3").build());
        double capturedBefore = metric("boxoffice_payments_total{outcome=\"captured\"}");

        Thread.sleep(ShortHoldsProfile.HOLD_MILLIS + 1200);

        StatusRuntimeException error = fails(Status.Code.FAILED_PRECONDITION, () -> booking.confirmHold(
                ConfirmHoldRequest.newBuilder().setHoldId(hold.getId()).setPayment(Fixtures.card(Fixtures.CARD_OK))
                        .build()));
        assertThat(error.getStatus().getDescription()).startsWith("hold " + hold.getId() + " expired at ")
                .endsWith("nothing was charged. Hold the seats again");
        assertThat(metric("boxoffice_payments_total{outcome=\"captured\"}")).isEqualTo(capturedBefore);
        assertThat(booking.listMyHolds(ListMyHoldsRequest.getDefaultInstance()).getHoldsList())
                .extracting(Hold::getId).doesNotContain(hold.getId());
        assertThat(metric("boxoffice_hold_expiries_total")).isGreaterThanOrEqualTo(1.0);
        fails(Status.Code.FAILED_PRECONDITION, () -> booking.extendHold(ExtendHoldRequest.newBuilder()
                .setHoldId(hold.getId()).build()));
    }

    static double metric(String series) {
        String scrape = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher matcher = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0.0;
    }
}
