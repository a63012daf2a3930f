package io.boxoffice.booking.cluster;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who a node is in the Raft configuration: its pod name ({@code boxoffice.node-id}, the StatefulSet pod name)
 * and the generation of the volume it runs on. A member is a volume, not a pod: a pod whose volume was lost
 * forgot its votes and its log, so it must never answer to the old member id again (it could vote twice in
 * one term, or count towards a commit it no longer holds); it joins as a new member instead.
 *
 * <p>The member id is the pod name for the volumes that formed the cluster (generation 0, so the bootstrap
 * configuration {@code boxoffice.peers} names them as they are), and {@code <pod>~<generation>} for every
 * volume initialised later (a lost volume replaced, a pod added by scaling up): the generation is the time
 * the volume was initialised, in seconds since the epoch. It is written on the volume with the log, so a
 * restarted pod keeps its member id. Two volumes of one pod are initialised at least a pod restart apart, so
 * their generations differ and the later one is larger; a generation is never reused, unlike a counter taken
 * from the configuration, which cannot see members that were added and removed again. The {@code ~} is not
 * a DNS character, so a member id never passes for a host name and the pod name is recovered unambiguously;
 * peers are reached by address, never by member id.
 *
 * @param podName    {@code boxoffice.node-id}: a DNS label
 * @param generation 0 for a volume that bootstrapped the cluster, else its initialisation time in epoch seconds
 */
public record MemberIdentity(String podName, long generation) {

    /** Separates the pod name from the generation in a member id. */
    public static final char SEPARATOR = '~';
    /** The generation of the volumes that formed the cluster: their member id is the bare pod name. */
    public static final long BOOTSTRAP_GENERATION = 0;
    /** A pod name: a DNS label (what a StatefulSet pod name is). */
    public static final Pattern POD_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    /** A member id: a pod name, optionally followed by {@code ~} and a generation. */
    public static final Pattern MEMBER_ID = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(~[1-9][0-9]{0,17})?");

    public MemberIdentity {
        Objects.requireNonNull(podName, "podName");
        if (!POD_NAME.matcher(podName).matches()) {
            throw new IllegalArgumentException("pod name '" + podName + "' is not a DNS label");
        }
        if (generation < 0 || generation >= 1_000_000_000_000_000_000L) {
            throw new IllegalArgumentException("generation " + generation + " out of range");
        }
    }

    /** The member id of the volume that helped form the cluster. */
    public static MemberIdentity bootstrap(String podName) {
        return new MemberIdentity(podName, BOOTSTRAP_GENERATION);
    }

    /** A volume initialised now, for a cluster that already exists. */
    public static MemberIdentity newVolume(String podName, long nowMillis) {
        return new MemberIdentity(podName, Math.max(1, nowMillis / 1000));
    }

    /** Parses a member id; empty when it is not one. */
    public static Optional<MemberIdentity> parse(String memberId) {
        if (memberId == null || !MEMBER_ID.matcher(memberId).matches()) {
            return Optional.empty();
        }
        int separator = memberId.indexOf(SEPARATOR);
        if (separator < 0) {
            return Optional.of(bootstrap(memberId));
        }
        return Optional.of(new MemberIdentity(memberId.substring(0, separator),
                Long.parseLong(memberId.substring(separator + 1))));
    }

    /** The pod part of a member id (the whole id when it has no generation, or is not a member id at all). */
    public static String podOf(String memberId) {
        int separator = memberId.indexOf(SEPARATOR);
        return separator < 0 ? memberId : memberId.substring(0, separator);
    }

    /** The id in the Raft configuration. */
    public String memberId() {
        return generation == BOOTSTRAP_GENERATION ? podName : podName + SEPARATOR + generation;
    }

    /** Whether this volume formed the cluster (its node starts from the bootstrap configuration). */
    public boolean isBootstrapGeneration() {
        return generation == BOOTSTRAP_GENERATION;
    }

    /** Whether {@code other} is an earlier volume of the same pod. */
    public boolean supersedes(MemberIdentity other) {
        return podName.equals(other.podName) && generation > other.generation;
    }

    @Override
    public String toString() {
        return memberId();
    }
}
