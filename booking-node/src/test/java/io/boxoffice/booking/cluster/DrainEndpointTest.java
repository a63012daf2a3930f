package io.boxoffice.booking.cluster;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.boxoffice.booking.testing.DemoDataReady;
import io.boxoffice.booking.testing.ShortHoldsProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The preStop drain: readiness goes down for good and the answer says who leads afterwards. */
@QuarkusTest
@TestProfile(DrainEndpointTest.DrainProfile.class)
@Tag("quarkus")
class DrainEndpointTest {

    /** Its own node start: after the drain this node stays not-ready, which no other test may see. */
    public static class DrainProfile extends ShortHoldsProfile implements QuarkusTestProfile {
    }

    @Test
    void a_drained_node_reports_not_ready_and_says_who_leads() {
        DemoDataReady.await();
        given().get("/q/health/ready").then().statusCode(200);

        given().post(DrainEndpoint.PATH).then().statusCode(200)
                .body("ready", equalTo(false))
                // A one-node cluster has nobody to hand over to: it still leads until SIGTERM.
                .body("wasLeader", equalTo(true)).body("stillLeader", equalTo(true));

        given().get("/q/health/ready").then().statusCode(503);
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void only_loopback_callers_may_drain() {
        assertThat(DrainEndpoint.isLoopback("127.0.0.1")).isTrue();
        assertThat(DrainEndpoint.isLoopback("::1")).isTrue();
        assertThat(DrainEndpoint.isLoopback("10.1.2.3")).isFalse();
        assertThat(DrainEndpoint.isLoopback(null)).isFalse();
    }
}
