package io.boxoffice.booking.cluster;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * {@code POST /q/boxoffice/drain}: what a Kubernetes preStop hook calls before the pod gets SIGTERM.
 * Readiness fails at once (the Service stops routing new clients here), and a leader hands its
 * leadership to the most caught-up voter and waits for it, so a rolling restart loses no request.
 * The node keeps serving what still reaches it until SIGTERM stops it.
 *
 * <p>Only callers on the pod's own loopback may drain it (the hook runs inside the pod); anyone else
 * gets 403, so the HTTP port cannot be used to knock members out of a cluster.
 */
@ApplicationScoped
public class DrainEndpoint {

    static final String PATH = "/q/boxoffice/drain";

    @Inject
    ClusterNode node;

    void register(@Observes Router router) {
        router.post(PATH).blockingHandler(this::drain);
    }

    private void drain(RoutingContext context) {
        String caller = context.request().remoteAddress() == null ? null : context.request().remoteAddress().host();
        if (!isLoopback(caller)) {
            context.response().setStatusCode(403).putHeader("content-type", "application/json")
                    .end(new JsonObject().put("error", "drain is only accepted from the pod itself (loopback)")
                            .encode());
            return;
        }
        ClusterNode.DrainResult result = node.drain();
        context.response().setStatusCode(200).putHeader("content-type", "application/json")
                .end(new JsonObject().put("nodeId", node.nodeId()).put("ready", false)
                        .put("leader", result.leaderId()).put("wasLeader", result.wasLeader())
                        .put("stillLeader", result.stillLeader()).encode());
    }

    static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
