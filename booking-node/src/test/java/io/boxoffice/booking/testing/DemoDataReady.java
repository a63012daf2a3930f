package io.boxoffice.booking.testing;

import static io.restassured.RestAssured.given;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Waits until the leader has loaded the demo users and catalogue, watching the node's own command
 * counters (no login attempts: failed logins would trip the login throttle).
 */
public final class DemoDataReady {

    private static final Pattern SHOWS_CREATED = Pattern.compile(
            "^boxoffice_commands_total\\{outcome=\"ok\",type=\"create_show\"} (\\S+)$", Pattern.MULTILINE);

    private DemoDataReady() {
    }

    public static void await() {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            // Explicit port: RestAssured's default port is only set once a test method runs, not in @BeforeAll.
            String scrape = given().port(SingleNodeClusterResource.httpPort).get("/q/metrics").then().statusCode(200).extract().asString();
            Matcher matcher = SHOWS_CREATED.matcher(scrape);
            if (matcher.find() && Double.parseDouble(matcher.group(1)) >= 6) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("demo data did not load within 30 s");
    }
}
