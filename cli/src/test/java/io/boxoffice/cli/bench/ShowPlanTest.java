package io.boxoffice.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.proto.v1.Show;
import io.boxoffice.proto.v1.ShowStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShowPlanTest {

    static final long NOW = 1_900_000_000_000L;
    static final long HOUR = 3_600_000L;

    static Show show(String id, String screen, long startsAt, ShowStatus status) {
        return Show.newBuilder().setId(id).setScreenId(screen).setStartsAtMillis(startsAt).setStatus(status).build();
    }

    @Test
    void thousands_of_new_shows_spread_over_screens_of_at_most_100_that_never_overlap() {
        List<String> screens = List.of("scr_1", "scr_2", "scr_3");
        assertThat(ShowPlan.screensNeeded(250)).isEqualTo(3);
        assertThat(ShowPlan.screensNeeded(2500)).isEqualTo(25);
        assertThat(ShowPlan.screensNeeded(1)).isEqualTo(1);

        ShowPlan.Plan plan = ShowPlan.plan(List.of(), screens, 250, NOW);

        assertThat(plan.reused()).isEmpty();
        assertThat(plan.created()).hasSize(250);
        Map<String, List<Long>> startsOfScreen = new HashMap<>();
        plan.created().forEach(show -> startsOfScreen.computeIfAbsent(show.screenId(), s -> new ArrayList<>())
                .add(show.startsAtMillis()));
        assertThat(startsOfScreen.keySet()).containsExactlyInAnyOrderElementsOf(screens);
        startsOfScreen.values().forEach(starts -> {
            assertThat(starts).hasSizeLessThanOrEqualTo(ShowPlan.SHOWS_PER_SCREEN_MAX);
            List<Long> sorted = starts.stream().sorted().toList();
            assertThat(sorted.get(0)).isGreaterThanOrEqualTo(NOW + ShowPlan.SHOW_LEAD.toMillis());
            for (int i = 1; i < sorted.size(); i++) {
                assertThat(sorted.get(i) - sorted.get(i - 1)).as("a 2-hour movie needs 3 hours apart")
                        .isGreaterThanOrEqualTo(3 * HOUR);
            }
        });
        Set<String> keys = new HashSet<>();
        plan.created().forEach(show -> assertThat(keys.add(show.idempotencyKey())).isTrue());
    }

    @Test
    void usable_shows_are_reused_and_new_ones_start_after_the_last_show_of_their_screen() {
        long far = NOW + 40 * 24 * HOUR;
        List<Show> existing = List.of(
                show("shw_a", "scr_1", far, ShowStatus.SHOW_STATUS_SCHEDULED),
                show("shw_b", "scr_1", far + 3 * HOUR, ShowStatus.SHOW_STATUS_SCHEDULED),
                show("shw_cancelled", "scr_1", far + 6 * HOUR, ShowStatus.SHOW_STATUS_CANCELLED),
                show("shw_soon", "scr_2", NOW + HOUR, ShowStatus.SHOW_STATUS_SCHEDULED),
                show("shw_elsewhere", "scr_other", far, ShowStatus.SHOW_STATUS_SCHEDULED));

        ShowPlan.Plan plan = ShowPlan.plan(existing, List.of("scr_1", "scr_2"), 4, NOW);

        assertThat(plan.reused()).containsExactly("shw_a", "shw_b");
        assertThat(plan.created()).containsExactly(
                new ShowPlan.NewShow("scr_2", NOW + ShowPlan.SHOW_LEAD.toMillis()),
                new ShowPlan.NewShow("scr_2", NOW + ShowPlan.SHOW_LEAD.toMillis() + 3 * HOUR));
        // Enough shows already: nothing to create, and only as many as asked are used.
        ShowPlan.Plan enough = ShowPlan.plan(existing, List.of("scr_1", "scr_2"), 1, NOW);
        assertThat(enough.reused()).containsExactly("shw_a");
        assertThat(enough.created()).isEmpty();
    }

    @Test
    void a_new_show_on_a_screen_with_shows_starts_after_its_last_one() {
        long far = NOW + 40 * 24 * HOUR;
        ShowPlan.Plan plan = ShowPlan.plan(List.of(show("shw_a", "scr_1", far, ShowStatus.SHOW_STATUS_SCHEDULED)),
                List.of("scr_1"), 2, NOW);
        assertThat(plan.created()).containsExactly(new ShowPlan.NewShow("scr_1", far + 3 * HOUR));
    }
}
