package io.boxoffice.raft.core;

import java.util.Objects;

/**
 * One cluster member.
 *
 * @param id      stable member id (the StatefulSet pod name in Kubernetes)
 * @param address peer address, {@code host:port}; a DNS name in Kubernetes, never a pod IP.
 *                Opaque to the core: only the transport reads it.
 * @param voter   {@code true} for a voting member, {@code false} for a learner
 */
public record Member(String id, String address, boolean voter) {
    public Member {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(address, "address");
        if (id.isBlank()) {
            throw new IllegalArgumentException("member id must not be blank");
        }
    }
}
