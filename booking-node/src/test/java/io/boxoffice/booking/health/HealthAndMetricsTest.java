package io.boxoffice.booking.health;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.boxoffice.booking.metrics.BoxofficeMetrics;
import io.boxoffice.booking.testing.DemoDataReady;
import io.boxoffice.booking.testing.GrpcClients;
import io.boxoffice.booking.testing.NodeTest;
import io.boxoffice.proto.v1.BookSeatsRequest;
import io.boxoffice.proto.v1.ListShowsRequest;
import io.boxoffice.proto.v1.PaymentDetails;
import io.boxoffice.proto.v1.Show;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@NodeTest
class HealthAndMetricsTest {

    @BeforeAll
    static void demoData() {
        DemoDataReady.await();
    }

    @Test
    void when_the_single_node_leads_then_live_ready_and_started_are_up() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem("raft-loop"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.find { it.name == 'raft-ready' }.data.role", equalTo("LEADER"));
        given().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void when_metrics_are_scraped_then_every_documented_name_is_there_and_bookings_move_them() {
        // The RPC timer appears with the first public call; make one so this test does not depend on order.
        GrpcClients.user2();
        String before = scrape();
        // Not emitted here: lag has a series per peer (a one-node cluster has none); the assistant timer
        // appears with the first Ask.
        java.util.Set<String> notYet = java.util.Set.of("boxoffice_raft_replication_lag_entries",
                "boxoffice_assistant_seconds");
        for (String name : BoxofficeMetrics.PROMETHEUS_NAMES) {
            if (!notYet.contains(name)) {
                assertThat(before).as(name).contains(name);
            }
        }
        assertThat(value(before, "boxoffice_raft_role{role=\"leader\"}")).isEqualTo(1.0);

        Show show = GrpcClients.catalog(GrpcClients.user2()).listShows(ListShowsRequest.getDefaultInstance())
                .getShows(5);
        GrpcClients.booking(GrpcClients.user2()).bookSeats(BookSeatsRequest.newBuilder().setShowId(show.getId())
                .addSeatIds("H7").setPayment(PaymentDetails.newBuilder().setCardNumber("4242424242424242")
                        .setExpiryMonth(12).setExpiryYear(2030).setCvc("123")).build());

        String after = scrape();
        assertThat(value(after, "boxoffice_bookings_total{outcome=\"confirmed\"}"))
                .isGreaterThan(value(before, "boxoffice_bookings_total{outcome=\"confirmed\"}"));
        assertThat(value(after, "boxoffice_payments_total{outcome=\"captured\"}"))
                .isGreaterThan(value(before, "boxoffice_payments_total{outcome=\"captured\"}"));
        assertThat(value(after, "boxoffice_raft_proposals_total{outcome=\"committed\"}"))
                .isGreaterThan(value(before, "boxoffice_raft_proposals_total{outcome=\"committed\"}"));
        assertThat(after).contains("boxoffice_rpc_seconds_count{code=\"OK\",method=\"boxoffice.v1.BookingService/BookSeats\"}");
        // Every committed booking went through at least one durable, fsynced append of the Raft log.
        assertThat(value(after, "boxoffice_raft_fsync_seconds_count"))
                .isGreaterThan(value(before, "boxoffice_raft_fsync_seconds_count"));
        assertThat(value(after, "boxoffice_raft_append_seconds_count"))
                .isGreaterThan(value(before, "boxoffice_raft_append_seconds_count"));
        assertThat(after).contains("boxoffice_raft_fsync_seconds_bucket").contains("boxoffice_raft_append_seconds_bucket");
    }

    private static String scrape() {
        // The status poller publishes every 100 ms; give it one period to catch up.
        try {
            Thread.sleep(150);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The value of one series; tags must be written in Prometheus's (alphabetical) order. */
    static double value(String scrape, String series) {
        Matcher matcher = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0.0;
    }
}
