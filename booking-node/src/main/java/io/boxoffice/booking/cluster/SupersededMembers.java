package io.boxoffice.booking.cluster;

import io.boxoffice.raft.core.Member;
import io.boxoffice.raft.core.RaftStatus;
import io.boxoffice.raft.core.Role;
import java.util.Optional;

/**
 * The leader's rule for retiring the member of a lost volume (etcd's "replace a failed member", Consul
 * autopilot's dead-server cleanup, done by the leader): when a pod's volume was lost, the pod comes back as a
 * new member {@code <pod>~<generation>} while its old member id stays in the configuration, a voter that will
 * never answer again. The old member is removed once the new one is a <em>caught-up voter</em>:
 * <ul>
 *   <li>not earlier: until the new member holds the log, removing the old one would shrink the cluster
 *   without adding anyone who can replace it (a three-member cluster would run on two with no tolerance for
 *   the whole catch-up);</li>
 *   <li>safely: two members of one pod cannot both be alive, since a pod runs one process on one volume and
 *   the later generation exists only because the earlier volume is gone; a later generation is a larger
 *   number ({@link MemberIdentity});</li>
 *   <li>not the leader itself: a leader superseded by a later volume of its own pod would mean two processes
 *   claim one pod (a force-deleted pod still running); the rule then waits for an operator.</li>
 * </ul>
 * One member per round, as membership changes go one at a time. Pure.
 */
public final class SupersededMembers {

    private SupersededMembers() {
    }

    /**
     * The member to remove next, if any: a member (voter or learner) of an earlier volume of a pod whose later
     * volume's member is a voter that is caught up ({@code maxLagEntries} behind the leader's last index at
     * most) and recently active. Empty unless {@code status} is a leader's.
     */
    public static Optional<String> nextToRemove(RaftStatus status, long maxLagEntries) {
        if (status.role() != Role.LEADER) {
            return Optional.empty();
        }
        for (Member old : status.configuration().members()) {
            Optional<MemberIdentity> oldIdentity = MemberIdentity.parse(old.id());
            if (oldIdentity.isEmpty() || old.id().equals(status.id())) {
                continue;
            }
            for (Member successor : status.configuration().members()) {
                Optional<MemberIdentity> successorIdentity = MemberIdentity.parse(successor.id());
                if (successorIdentity.isPresent() && successorIdentity.get().supersedes(oldIdentity.get())
                        && successor.voter() && caughtUp(status, successor.id(), maxLagEntries)) {
                    return Optional.of(old.id());
                }
            }
        }
        return Optional.empty();
    }

    private static boolean caughtUp(RaftStatus status, String memberId, long maxLagEntries) {
        if (memberId.equals(status.id())) {
            return true; // The leader holds every entry.
        }
        return status.peers().stream().anyMatch(peer -> peer.id().equals(memberId) && peer.recentlyActive()
                && status.lastIndex() - peer.matchIndex() <= maxLagEntries);
    }
}
