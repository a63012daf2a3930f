package io.boxoffice.booking.discovery;

/**
 * What self-registration needs to know of the node it registers. The cluster node implements it, so that discovery
 * does not depend on the cluster package (which depends on discovery for DNS and the volume's identity).
 */
public interface JoiningMember {

    /** This node's member id (the pod name, or {@code <pod>~<volume generation>}). */
    String nodeId();

    /** Whether this node must add itself to the cluster (it started with join=true, or on a new volume). */
    boolean joining();

    /** Whether the configuration this node knows holds it (as a learner or voter): registration is done. */
    boolean isMember();

    /** Whether the node is shutting down: registration gives up. */
    boolean stopping();
}
