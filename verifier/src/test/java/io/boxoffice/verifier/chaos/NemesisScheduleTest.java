package io.boxoffice.verifier.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class NemesisScheduleTest {

    private static NemesisSchedule schedule(long seed) {
        return new NemesisSchedule(seed, List.of(FaultKind.values()), 600_000, 500, 4_000, 1_000, 4_000);
    }

    @Test
    void same_seed_gives_the_same_plan() {
        assertThat(schedule(7).plan()).isEqualTo(schedule(7).plan()).isNotEmpty();
    }

    @Test
    void different_seeds_give_different_plans() {
        assertThat(schedule(7).plan()).isNotEqualTo(schedule(8).plan());
    }

    @Test
    void faults_do_not_overlap_stay_in_bounds_and_end_before_the_run() {
        List<FaultEvent> plan = schedule(11).plan();
        long previousEnd = 0;
        for (FaultEvent event : plan) {
            assertThat(event.durationMillis()).isBetween(500L, 4_000L);
            assertThat(event.startOffsetMillis() - previousEnd).isBetween(1_000L, 4_000L);
            previousEnd = event.startOffsetMillis() + event.durationMillis();
        }
        assertThat(previousEnd).isLessThanOrEqualTo(600_000);
        // Ten minutes of faults lasting 1.5..8 s each, so about a hundred of them, every kind drawn.
        assertThat(plan).hasSizeGreaterThan(60);
        assertThat(plan.stream().map(FaultEvent::kind).distinct()).hasSize(FaultKind.values().length);
    }

    @Test
    void no_kinds_means_no_faults() {
        assertThat(new NemesisSchedule(1, List.of(), 60_000, 500, 4_000, 1_000, 4_000).plan()).isEmpty();
    }

    @Test
    void inverted_bounds_are_refused() {
        assertThatThrownBy(() -> new NemesisSchedule(1, List.of(FaultKind.KILL), 60_000, 4_000, 500, 1_000, 4_000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fault");
    }
}
