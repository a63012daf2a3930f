package io.boxoffice.booking.discovery;

import io.boxoffice.booking.config.PeerSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A member a joining node asks to be added: its id and the {@code host:port} of its client gRPC API.
 *
 * @param memberId       id of the bootstrap member, for the logs
 * @param clientEndpoint {@code host:grpcPort}; a DNS name in Kubernetes
 */
public record RegistrationTarget(String memberId, String clientEndpoint) {

    /**
     * The members to ask, in the order to try them: every bootstrap member of {@code boxoffice.peers} but this
     * node, at its {@code boxoffice.client-endpoints} entry when there is one, else at its peer host with this
     * node's {@code grpc-port} (every pod of a StatefulSet uses the same ports), the way followers find the
     * leader's client endpoint; then members that only {@code client-endpoints} names.
     */
    public static List<RegistrationTarget> of(List<PeerSpec> bootstrapMembers, List<PeerSpec> clientEndpoints,
                                              String selfId, int grpcPort) {
        Map<String, String> endpointById = new LinkedHashMap<>();
        clientEndpoints.forEach(endpoint -> endpointById.put(endpoint.id(), endpoint.address()));
        List<RegistrationTarget> targets = new ArrayList<>();
        for (PeerSpec member : bootstrapMembers) {
            if (member.id().equals(selfId)) {
                continue;
            }
            String endpoint = endpointById.remove(member.id());
            if (endpoint == null) {
                endpoint = member.address().substring(0, member.address().lastIndexOf(':')) + ":" + grpcPort;
            }
            targets.add(new RegistrationTarget(member.id(), endpoint));
        }
        endpointById.forEach((id, endpoint) -> {
            if (!id.equals(selfId)) {
                targets.add(new RegistrationTarget(id, endpoint));
            }
        });
        return List.copyOf(targets);
    }
}
