package io.boxoffice.booking.discovery;

import io.boxoffice.proto.v1.NodeStatus;
import java.util.Collection;

/** What a bootstrap peer's volume holds, as far as a node starting on an empty volume needs to know. */
public enum PeerVolume {
    /** Nothing persisted: term 0, no log, no snapshot (the peer is new too, or still deciding). */
    EMPTY,
    /** Raft state persisted: the cluster has formed (an election happened somewhere). */
    FORMED,
    /** No answer (down, starting, unreachable, refused): ask again. */
    UNKNOWN;

    /** What the bootstrap probe does next. */
    public enum Verdict {
        /** Every other bootstrap member is empty: form the cluster under the pod name. */
        BOOTSTRAP,
        /** The cluster exists: join it as a new member with a new volume generation. */
        JOIN,
        /** Not every peer answered, none said the cluster exists: ask again. */
        WAIT
    }

    /** Classifies a peer's own status. */
    public static PeerVolume of(NodeStatus status) {
        return status.getTerm() == 0 && status.getLastIndex() == 0 && status.getSnapshotIndex() == 0 ? EMPTY : FORMED;
    }

    /**
     * The decision from the other bootstrap members' answers. Forming the cluster under the old member id is
     * safe only when no member of the bootstrap configuration but this one has ever persisted a term: a vote
     * or a log entry needs a candidate, and a candidate persists its term, so a volume that helped elect
     * anybody would say so. Hence every other member must answer empty; one that answers formed is proof
     * enough that the cluster exists (this pod's old volume may have voted or held committed entries); and
     * a member that does not answer leaves the question open. (Two volumes lost at once, a majority of a
     * three-member cluster, is data loss no rule can repair.)
     */
    public static Verdict verdict(Collection<PeerVolume> others) {
        if (others.contains(FORMED)) {
            return Verdict.JOIN;
        }
        return others.stream().allMatch(volume -> volume == EMPTY) ? Verdict.BOOTSTRAP : Verdict.WAIT;
    }
}
