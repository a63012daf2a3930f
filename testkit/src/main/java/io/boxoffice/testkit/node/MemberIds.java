package io.boxoffice.testkit.node;

/**
 * Member ids as the live tests and the verifier see them: a pod's name, or "{@code <pod>~<volume generation>}"
 * for a member that joined on a later volume of that pod (booking-node's {@code MemberIdentity}, which the test
 * kit does not depend on).
 */
public final class MemberIds {

    private MemberIds() {
    }

    /** The pod part of a member id ({@code n2~1796594897} runs in pod {@code n2}; {@code n2} in {@code n2}). */
    public static String podOf(String memberId) {
        int separator = memberId.indexOf('~');
        return separator < 0 ? memberId : memberId.substring(0, separator);
    }
}
