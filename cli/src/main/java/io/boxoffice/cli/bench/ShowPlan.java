package io.boxoffice.cli.bench;

import io.boxoffice.proto.v1.Show;
import io.boxoffice.proto.v1.ShowStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which bench shows a run uses and which it must create first. Pure: the caller lists what exists.
 *
 * <p>Shows of one screen may not overlap (the node checks every new show against the scheduled shows of its
 * screen, so a screen also should not carry thousands), hence several bench screens of at most
 * {@link #SHOWS_PER_SCREEN_MAX} shows each, and new shows start {@link #SHOW_SPACING} after the last show of
 * their screen. Existing shows are reused first, so a repeated or interrupted setup only adds what is missing.
 */
final class ShowPlan {

    /** Shows start at least this far ahead, so cancellations are always refunded and nothing starts during a run. */
    static final Duration SHOW_LEAD = Duration.ofDays(30);
    /** A show is reused only when it starts later than this from now. */
    static final Duration REUSE_MARGIN = Duration.ofDays(1);
    /** Shows of one screen may not overlap: the bench movie runs 2 hours. */
    static final Duration SHOW_SPACING = Duration.ofHours(3);
    /** New shows per screen; the node's overlap check reads every scheduled show of the screen. */
    static final int SHOWS_PER_SCREEN_MAX = 100;

    /** A show to create. */
    record NewShow(String screenId, long startsAtMillis) {
        String idempotencyKey() {
            return "bench-show-v1-" + screenId + "-" + startsAtMillis;
        }
    }

    /** The shows to reuse (ids, in start order) and the shows to create. */
    record Plan(List<String> reused, List<NewShow> created) {
    }

    private ShowPlan() {
    }

    /** Bench screens a run of {@code showCount} shows needs. */
    static int screensNeeded(int showCount) {
        return Math.max(1, (showCount + SHOWS_PER_SCREEN_MAX - 1) / SHOWS_PER_SCREEN_MAX);
    }

    /**
     * @param existing  the bench movie's shows, any screen and state
     * @param screenIds the bench screens to use, at least {@link #screensNeeded}
     */
    static Plan plan(List<Show> existing, List<String> screenIds, int showCount, long nowMillis) {
        Map<String, Long> lastStartOfScreen = new HashMap<>();
        Map<String, Integer> usableOfScreen = new LinkedHashMap<>();
        screenIds.forEach(screen -> usableOfScreen.put(screen, 0));
        List<Show> ordered = existing.stream().sorted(Comparator.comparingLong(Show::getStartsAtMillis)
                .thenComparing(Show::getId)).toList();
        List<String> reused = new ArrayList<>();
        for (Show show : ordered) {
            if (!usableOfScreen.containsKey(show.getScreenId()) || show.getStatus() != ShowStatus.SHOW_STATUS_SCHEDULED) {
                continue;
            }
            lastStartOfScreen.merge(show.getScreenId(), show.getStartsAtMillis(), Math::max);
            if (show.getStartsAtMillis() > nowMillis + REUSE_MARGIN.toMillis() && reused.size() < showCount) {
                reused.add(show.getId());
                usableOfScreen.merge(show.getScreenId(), 1, Integer::sum);
            }
        }
        Map<String, Long> nextStartOfScreen = new HashMap<>();
        for (String screen : screenIds) {
            long last = lastStartOfScreen.getOrDefault(screen, Long.MIN_VALUE);
            long earliest = nowMillis + SHOW_LEAD.toMillis();
            nextStartOfScreen.put(screen, last == Long.MIN_VALUE ? earliest : Math.max(earliest,
                    last + SHOW_SPACING.toMillis()));
        }
        List<NewShow> created = new ArrayList<>();
        for (int missing = showCount - reused.size(); missing > 0; missing--) {
            // The screen with the fewest usable shows, so no screen grows much beyond its share.
            String screen = usableOfScreen.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
            long startsAt = nextStartOfScreen.get(screen);
            created.add(new NewShow(screen, startsAt));
            nextStartOfScreen.put(screen, startsAt + SHOW_SPACING.toMillis());
            usableOfScreen.merge(screen, 1, Integer::sum);
        }
        return new Plan(reused, created);
    }
}
