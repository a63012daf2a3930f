package io.boxoffice.booking.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The identity rules: member id = pod name for the cluster's first volumes, pod~generation after. */
class MemberIdentityTest {

    @ParameterizedTest(name = "{0} -> pod {1}, generation {2}")
    @CsvSource({
            "boxoffice-0, boxoffice-0, 0",
            "boxoffice-2~1796594897, boxoffice-2, 1796594897",
            "n1~1, n1, 1",
            "a, a, 0"})
    void a_member_id_is_the_pod_name_and_the_volume_generation(String memberId, String pod, long generation) {
        MemberIdentity identity = MemberIdentity.parse(memberId).orElseThrow();

        assertThat(identity.podName()).isEqualTo(pod);
        assertThat(identity.generation()).isEqualTo(generation);
        assertThat(identity.memberId()).isEqualTo(memberId);
        assertThat(identity.isBootstrapGeneration()).isEqualTo(generation == 0);
        assertThat(MemberIdentity.podOf(memberId)).isEqualTo(pod);
    }

    @ParameterizedTest(name = "''{0}'' is not a member id")
    @ValueSource(strings = {"", "Boxoffice-0", "-boxoffice", "boxoffice-", "boxoffice-0~", "boxoffice-0~0",
            "boxoffice-0~01", "boxoffice-0~12a", "boxoffice-0~1~2", "~12", "boxoffice.0", "boxoffice-0~-1",
            "boxoffice-0~1234567890123456789"})
    void anything_else_is_refused(String memberId) {
        assertThat(MemberIdentity.parse(memberId)).isEmpty();
        assertThat(MemberIdentity.MEMBER_ID.matcher(memberId).matches()).isFalse();
    }

    @Test
    void a_pod_name_of_63_characters_is_a_dns_label_and_64_is_not() {
        String longest = "a".repeat(63);
        assertThat(MemberIdentity.parse(longest + "~17")).contains(new MemberIdentity(longest, 17));
        assertThat(MemberIdentity.parse("a".repeat(64))).isEmpty();
        assertThatThrownBy(() -> MemberIdentity.bootstrap("a".repeat(64))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_new_volume_is_named_after_the_second_it_was_initialised_so_a_later_volume_has_a_larger_generation() {
        MemberIdentity first = MemberIdentity.newVolume("boxoffice-2", 1_796_594_897_375L);
        MemberIdentity second = MemberIdentity.newVolume("boxoffice-2", 1_796_594_912_001L);

        assertThat(first.memberId()).isEqualTo("boxoffice-2~1796594897");
        assertThat(second.supersedes(first)).isTrue();
        assertThat(first.supersedes(second)).isFalse();
        assertThat(first.supersedes(MemberIdentity.bootstrap("boxoffice-2"))).isTrue();
        assertThat(MemberIdentity.newVolume("boxoffice-2", 5).generation())
                .as("never the bootstrap generation, whatever the clock says").isEqualTo(1);
    }

    @Test
    void a_volume_of_another_pod_never_supersedes() {
        MemberIdentity other = MemberIdentity.newVolume("boxoffice-1", 1_796_594_912_001L);

        assertThat(other.supersedes(MemberIdentity.bootstrap("boxoffice-2"))).isFalse();
        assertThat(other.supersedes(other)).isFalse();
        assertThat(MemberIdentity.parse("boxoffice-10~5").orElseThrow()
                .supersedes(MemberIdentity.bootstrap("boxoffice-1"))).as("a pod name prefix is not the pod").isFalse();
    }

    @Test
    void the_separator_is_no_dns_character_so_a_member_id_never_passes_for_a_pod_name() {
        assertThat(MemberIdentity.POD_NAME.matcher("boxoffice-2~1796594897").matches()).isFalse();
        assertThat(MemberIdentity.parse("boxoffice-2~1796594897").map(MemberIdentity::podName))
                .isEqualTo(Optional.of("boxoffice-2"));
    }
}
