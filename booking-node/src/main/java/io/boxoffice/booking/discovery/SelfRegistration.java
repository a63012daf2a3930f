package io.boxoffice.booking.discovery;

import io.boxoffice.booking.auth.TokenService;
import io.boxoffice.booking.config.BoxofficeConfig;
import io.boxoffice.booking.config.NodeSettings;
import io.boxoffice.booking.config.PeerSpec;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * A joining node adds itself to the cluster: one started with {@code boxoffice.join=true}, or a bootstrap
 * member whose volume was lost and which therefore runs as a new member ({@code <pod>~<generation>}, see
 * {@link io.boxoffice.booking.cluster.MemberIdentity}). On its own thread it asks the bootstrap members
 * ({@code boxoffice.peers}) to add it as a learner, under its member id at its peer address
 * ({@code boxoffice.peer-host}:{@code peer-port}, the pod's DNS name), until the configuration shows it. The
 * leader's {@code LeaderJobs} promote it to voter once it has caught up, and then remove the member of the
 * pod's earlier volume. A node whose volume already holds a configuration with itself (a restarted member)
 * does nothing. Off with {@code boxoffice.discovery.self-register=false}: an operator then calls AddMember.
 */
@ApplicationScoped
public class SelfRegistration {

    private static final Logger LOG = Logger.getLogger(SelfRegistration.class);

    @Inject
    JoiningMember node;
    @Inject
    NodeSettings settings;
    @Inject
    BoxofficeConfig config;
    @Inject
    TokenService tokens;

    private volatile boolean stopped;
    private Thread thread;
    private MembershipClient client;

    /** After the cluster node (priority 10) started Raft, so its configuration is known. */
    synchronized void onStart(@Observes @Priority(15) StartupEvent event) {
        if (!node.joining() || !config.discovery().selfRegister() || node.isMember()) {
            return;
        }
        String memberId = node.nodeId();
        List<RegistrationTarget> targets = RegistrationTarget.of(bootstrapMembers(), settings.clientEndpoints(),
                settings.nodeId(), config.grpcPort());
        if (targets.isEmpty()) {
            LOG.warnf("%s joins, but neither boxoffice.peers nor boxoffice.client-endpoints names a member to ask; "
                    + "it waits until an operator calls ClusterService/AddMember(%s, %s)", memberId, memberId,
                    settings.selfPeerAddress());
            return;
        }
        BoxofficeConfig.Discovery discovery = config.discovery();
        client = new GrpcMembershipClient(tokens, discovery.callTimeoutMillis());
        Registrar registrar = new Registrar(memberId, settings.selfPeerAddress(), targets, client,
                node::isMember, () -> stopped || node.stopping(),
                new Backoff(discovery.backoffMinMillis(), discovery.backoffMaxMillis(),
                        bound -> ThreadLocalRandom.current().nextLong(bound + 1)),
                Thread::sleep, System::currentTimeMillis);
        LOG.infof("%s joins the cluster: asking %s to add it as a learner at %s", memberId,
                targets.stream().map(t -> t.memberId() + " (" + t.clientEndpoint() + ")").toList(),
                settings.selfPeerAddress());
        thread = new Thread(() -> run(registrar), "boxoffice-self-registration");
        thread.setDaemon(true);
        thread.start();
    }

    private void run(Registrar registrar) {
        try {
            registrar.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // Shutting down.
        } finally {
            synchronized (this) {
                if (client != null) {
                    client.close();
                }
            }
        }
    }

    synchronized void onStop(@Observes @Priority(5) ShutdownEvent event) {
        stopped = true;
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** The bootstrap members from {@code boxoffice.peers} (validated at start-up, so every entry parses). */
    private List<PeerSpec> bootstrapMembers() {
        List<String> problems = new ArrayList<>();
        List<PeerSpec> members = PeerSpec.parseAll("boxoffice.peers", config.peers().orElse(List.of()), problems);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("boxoffice.peers passed validation but does not parse: " + problems);
        }
        return members;
    }
}
