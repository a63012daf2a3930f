package io.boxoffice.testkit.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * A node's {@code /q/health/ready} answer: whether it is ready, and the Raft data of its readiness check.
 *
 * @param up           HTTP 200: the node knows a leader and has applied (nearly) all it knows is committed
 * @param nodeId       the answering node's id ("" when it did not say)
 * @param role         LEADER, FOLLOWER, CANDIDATE, ... ("" when it did not say)
 * @param leaderId     the leader it knows ("" or "null" when none)
 * @param commitIndex  -1 when absent
 * @param appliedIndex -1 when absent
 */
public record Readiness(boolean up, String nodeId, String role, String leaderId, long commitIndex,
                        long appliedIndex) {

    /** No answer: the node is not running or not listening yet. */
    public static final Readiness DOWN = new Readiness(false, "", "", "", -1, -1);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Parses the health JSON; the Raft data comes from whichever check carries a nodeId. */
    public static Readiness parse(int httpStatus, String body) {
        try {
            for (JsonNode check : JSON.readTree(body).path("checks")) {
                JsonNode data = check.path("data");
                if (data.has("nodeId")) {
                    return new Readiness(httpStatus == 200, data.path("nodeId").asText(""), data.path("role").asText(""),
                            data.path("leaderId").asText(""), data.path("commitIndex").asLong(-1),
                            data.path("appliedIndex").asLong(-1));
                }
            }
        } catch (IOException e) {
            // Not JSON (a proxy error page, a half-started server): only the status code counts.
        }
        return new Readiness(httpStatus == 200, "", "", "", -1, -1);
    }

    public boolean isLeader() {
        return "LEADER".equals(role);
    }
}
