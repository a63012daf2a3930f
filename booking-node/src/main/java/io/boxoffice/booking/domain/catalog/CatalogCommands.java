package io.boxoffice.booking.domain.catalog;

import io.boxoffice.booking.domain.BookingLimits;
import io.boxoffice.booking.domain.CommandOutcome;
import io.boxoffice.booking.domain.Context;
import io.boxoffice.booking.domain.FieldLimits;
import io.boxoffice.booking.domain.RejectedException;
import io.boxoffice.booking.domain.holds.HoldCommands;
import io.boxoffice.booking.domain.refunds.RefundCommands;
import io.boxoffice.proto.replicated.v1.CreateMovie;
import io.boxoffice.proto.replicated.v1.CreateScreen;
import io.boxoffice.proto.replicated.v1.CreateShow;
import io.boxoffice.proto.replicated.v1.MovieRecord;
import io.boxoffice.proto.replicated.v1.ResultKind;
import io.boxoffice.proto.replicated.v1.ScreenRecord;
import io.boxoffice.proto.replicated.v1.ShowRecord;
import io.boxoffice.proto.replicated.v1.ShowState;
import io.boxoffice.proto.replicated.v1.UpdateMovie;
import io.boxoffice.proto.replicated.v1.UpdateScreen;
import io.boxoffice.proto.replicated.v1.UpdateShow;
import java.time.Instant;
import java.util.List;

/**
 * The catalogue an admin keeps: movies, screens with their seat maps, and shows (a movie on a screen at a
 * time; no two scheduled shows of a screen overlap). Cancelling a show releases its holds and refunds its
 * bookings in full.
 */
public final class CatalogCommands {

    private final Catalog catalog;
    private final HoldCommands holds;
    private final RefundCommands refunds;
    private final BookingLimits limits;

    public CatalogCommands(Catalog catalog, HoldCommands holds, RefundCommands refunds, BookingLimits limits) {
        this.catalog = catalog;
        this.holds = holds;
        this.refunds = refunds;
        this.limits = limits;
    }

    // ---------------------------------------------------------------- movies

    public CommandOutcome createMovie(Context context, CreateMovie command) {
        context.requireAdmin("create movies");
        String id = context.newEntityId("mov_");
        requireTitle(command.getTitle(), "title", FieldLimits.TITLE_LENGTH_MAX);
        requireDescription(command.getDescription());
        requireDuration(command.getDurationMinutes());
        requireAgeRating(command.getAgeRating());
        requireGenres(command.getGenresList());
        if (catalog.movie(id).isPresent()) {
            throw RejectedException.alreadyExists("id " + id + " exists already (new_id reused)");
        }
        MovieRecord movie = MovieRecord.newBuilder().setId(id).setTitle(command.getTitle().strip())
                .setDescription(command.getDescription()).setDurationMinutes(command.getDurationMinutes())
                .setAgeRating(command.getAgeRating()).addAllGenres(command.getGenresList())
                .setCreatedAtMillis(context.nowMillis()).setUpdatedAtMillis(context.nowMillis()).build();
        catalog.putMovie(movie);
        return CommandOutcome.of(ResultKind.RESULT_KIND_MOVIE, movie);
    }

    public CommandOutcome updateMovie(Context context, UpdateMovie command) {
        context.requireAdmin("update movies");
        MovieRecord movie = requireMovie(command.getMovieId());
        MovieRecord.Builder updated = movie.toBuilder().setUpdatedAtMillis(context.nowMillis());
        if (command.hasTitle()) {
            requireTitle(command.getTitle(), "title", FieldLimits.TITLE_LENGTH_MAX);
            updated.setTitle(command.getTitle().strip());
        }
        if (command.hasDescription()) {
            requireDescription(command.getDescription());
            updated.setDescription(command.getDescription());
        }
        if (command.hasDurationMinutes()) {
            requireDuration(command.getDurationMinutes());
            if (command.getDurationMinutes() > movie.getDurationMinutes()) {
                for (ShowRecord show : catalog.scheduledShowsOfMovie(movie.getId())) {
                    requireNoOverlap(show.getScreenId(), show.getStartsAtMillis(), command.getDurationMinutes(),
                            show.getId());
                }
            }
            updated.setDurationMinutes(command.getDurationMinutes());
        }
        if (command.hasAgeRating()) {
            requireAgeRating(command.getAgeRating());
            updated.setAgeRating(command.getAgeRating());
        }
        if (command.getReplaceGenres()) {
            requireGenres(command.getGenresList());
            updated.clearGenres().addAllGenres(command.getGenresList());
        } else if (command.getGenresCount() > 0) {
            throw RejectedException.invalidArgument("replace_genres", "set replace_genres to true to replace the genres");
        }
        MovieRecord result = updated.build();
        catalog.putMovie(result);
        return CommandOutcome.of(ResultKind.RESULT_KIND_MOVIE, result);
    }

    // ---------------------------------------------------------------- screens

    public CommandOutcome createScreen(Context context, CreateScreen command) {
        context.requireAdmin("create screens");
        String id = context.newEntityId("scr_");
        requireTitle(command.getName(), "name", FieldLimits.SCREEN_NAME_LENGTH_MAX);
        if (!command.hasLayout()) {
            throw RejectedException.invalidArgument("layout", "layout is required");
        }
        SeatLayout.validate(command.getLayout(), limits.seatsPerRowMax());
        if (catalog.screen(id).isPresent()) {
            throw RejectedException.alreadyExists("id " + id + " exists already (new_id reused)");
        }
        ScreenRecord screen = ScreenRecord.newBuilder().setId(id).setName(command.getName().strip())
                .setLayout(command.getLayout()).setCreatedAtMillis(context.nowMillis())
                .setUpdatedAtMillis(context.nowMillis()).build();
        catalog.putScreen(screen);
        return CommandOutcome.of(ResultKind.RESULT_KIND_SCREEN, screen);
    }

    public CommandOutcome updateScreen(Context context, UpdateScreen command) {
        context.requireAdmin("update screens");
        ScreenRecord screen = requireScreen(command.getScreenId());
        ScreenRecord.Builder updated = screen.toBuilder().setUpdatedAtMillis(context.nowMillis());
        if (command.hasName()) {
            requireTitle(command.getName(), "name", FieldLimits.SCREEN_NAME_LENGTH_MAX);
            updated.setName(command.getName().strip());
        }
        if (command.hasLayout()) {
            SeatLayout.validate(command.getLayout(), limits.seatsPerRowMax());
            boolean resized = command.getLayout().getRowCount() != screen.getLayout().getRowCount()
                    || command.getLayout().getSeatsPerRow() != screen.getLayout().getSeatsPerRow();
            if (resized && catalog.screenHasShows(screen.getId())) {
                throw RejectedException.failedPrecondition("screen " + screen.getId() + " has shows; its rows and seats"
                        + " per row cannot change (categories, prices and blocked seats can)");
            }
            updated.setLayout(command.getLayout());
        }
        ScreenRecord result = updated.build();
        catalog.putScreen(result);
        return CommandOutcome.of(ResultKind.RESULT_KIND_SCREEN, result);
    }

    // ---------------------------------------------------------------- shows

    public CommandOutcome createShow(Context context, CreateShow command) {
        context.requireAdmin("create shows");
        String id = context.newEntityId("shw_");
        MovieRecord movie = requireMovie(command.getMovieId());
        requireScreen(command.getScreenId());
        requireFutureStart(context, command.getStartsAtMillis());
        requireNoOverlap(command.getScreenId(), command.getStartsAtMillis(), movie.getDurationMinutes(), "");
        if (catalog.show(id).isPresent()) {
            throw RejectedException.alreadyExists("id " + id + " exists already (new_id reused)");
        }
        ShowRecord show = ShowRecord.newBuilder().setId(id).setMovieId(movie.getId()).setScreenId(command.getScreenId())
                .setStartsAtMillis(command.getStartsAtMillis()).setState(ShowState.SHOW_STATE_SCHEDULED)
                .setCreatedAtMillis(context.nowMillis()).setUpdatedAtMillis(context.nowMillis()).build();
        catalog.putShow(show, null);
        return CommandOutcome.of(ResultKind.RESULT_KIND_SHOW, show);
    }

    public CommandOutcome updateShow(Context context, UpdateShow command) {
        context.requireAdmin("update shows");
        ShowRecord show = holds.requireShow(command.getShowId());
        if (command.getCancel() == command.hasStartsAtMillis()) {
            throw RejectedException.invalidArgument("cancel", "give either starts_at_millis or cancel");
        }
        if (show.getState() == ShowState.SHOW_STATE_CANCELLED) {
            throw RejectedException.failedPrecondition("show " + show.getId() + " is cancelled");
        }
        if (context.nowMillis() >= show.getStartsAtMillis()) {
            throw RejectedException.failedPrecondition("show " + show.getId() + " started at "
                    + Instant.ofEpochMilli(show.getStartsAtMillis()) + "; it can no longer change");
        }
        if (command.getCancel()) {
            context.newEntityId("ref_"); // Refund ids derive from it: check it before anything changes.
            holds.releaseAllOfShow(context, show.getId());
            refunds.cancelAllOfShow(context, show.getId());
            ShowRecord cancelled = show.toBuilder().setState(ShowState.SHOW_STATE_CANCELLED)
                    .setUpdatedAtMillis(context.nowMillis()).build();
            catalog.putShow(cancelled, show);
            return CommandOutcome.of(ResultKind.RESULT_KIND_SHOW, cancelled);
        }
        requireFutureStart(context, command.getStartsAtMillis());
        int durationMinutes = catalog.movie(show.getMovieId()).orElseThrow().getDurationMinutes();
        requireNoOverlap(show.getScreenId(), command.getStartsAtMillis(), durationMinutes, show.getId());
        ShowRecord rescheduled = show.toBuilder().setStartsAtMillis(command.getStartsAtMillis())
                .setUpdatedAtMillis(context.nowMillis()).build();
        catalog.putShow(rescheduled, show);
        return CommandOutcome.of(ResultKind.RESULT_KIND_SHOW, rescheduled);
    }

    // ---------------------------------------------------------------- checks

    private MovieRecord requireMovie(String id) {
        HoldCommands.requireId(id, "movie_id");
        return catalog.movie(id).orElseThrow(() -> RejectedException.notFound("no movie '" + FieldLimits.echo(id) + "'"));
    }

    private ScreenRecord requireScreen(String id) {
        HoldCommands.requireId(id, "screen_id");
        return catalog.screen(id).orElseThrow(() -> RejectedException.notFound("no screen '" + FieldLimits.echo(id)
                + "'"));
    }

    /** In the future, and in a range where start plus running time cannot overflow. */
    private static void requireFutureStart(Context context, long startsAtMillis) {
        if (startsAtMillis < FieldLimits.STARTS_AT_MILLIS_MIN || startsAtMillis > FieldLimits.STARTS_AT_MILLIS_MAX) {
            throw RejectedException.invalidArgument("starts_at_millis", "starts_at_millis must be a time between "
                    + Instant.ofEpochMilli(FieldLimits.STARTS_AT_MILLIS_MIN) + " and "
                    + Instant.ofEpochMilli(FieldLimits.STARTS_AT_MILLIS_MAX) + ", was " + startsAtMillis);
        }
        if (startsAtMillis <= context.nowMillis()) {
            throw RejectedException.invalidArgument("starts_at_millis", "starts_at_millis must lie in the future, was "
                    + Instant.ofEpochMilli(startsAtMillis));
        }
    }

    /** No two scheduled shows of a screen may run at the same time. */
    private void requireNoOverlap(String screenId, long startsAtMillis, int durationMinutes, String exceptShowId) {
        long endsAtMillis = startsAtMillis + durationMinutes * 60_000L;
        List<ShowRecord> others = catalog.scheduledShowsOfScreen(screenId);
        for (ShowRecord other : others) {
            if (other.getId().equals(exceptShowId)) {
                continue;
            }
            long otherEndsAtMillis = catalog.endsAtMillis(other);
            if (startsAtMillis < otherEndsAtMillis && other.getStartsAtMillis() < endsAtMillis) {
                throw RejectedException.failedPrecondition("screen " + screenId + " is busy with show " + other.getId()
                        + " from " + Instant.ofEpochMilli(other.getStartsAtMillis()) + " to "
                        + Instant.ofEpochMilli(otherEndsAtMillis));
            }
        }
    }

    private static void requireTitle(String value, String field, int lengthMax) {
        if (value.isBlank() || value.length() > lengthMax || value.chars().anyMatch(Character::isISOControl)) {
            throw RejectedException.invalidArgument(field, field + " must be 1.." + lengthMax
                    + " characters on one line");
        }
    }

    private static void requireDescription(String description) {
        if (description.length() > FieldLimits.DESCRIPTION_LENGTH_MAX) {
            throw RejectedException.invalidArgument("description", "description must be at most "
                    + FieldLimits.DESCRIPTION_LENGTH_MAX + " characters, was " + description.length());
        }
    }

    private static void requireDuration(int durationMinutes) {
        if (durationMinutes < 1 || durationMinutes > FieldLimits.DURATION_MINUTES_MAX) {
            throw RejectedException.invalidArgument("duration_minutes", "duration_minutes must be in 1.."
                    + FieldLimits.DURATION_MINUTES_MAX + ", was " + durationMinutes);
        }
    }

    private static void requireAgeRating(String ageRating) {
        if (ageRating.length() > FieldLimits.AGE_RATING_LENGTH_MAX || ageRating.chars().anyMatch(Character::isISOControl)) {
            throw RejectedException.invalidArgument("age_rating", "age_rating must be at most "
                    + FieldLimits.AGE_RATING_LENGTH_MAX + " characters on one line");
        }
    }

    private static void requireGenres(List<String> genres) {
        if (genres.size() > FieldLimits.GENRES_MAX) {
            throw RejectedException.invalidArgument("genres", "at most " + FieldLimits.GENRES_MAX + " genres, had "
                    + genres.size());
        }
        for (int index = 0; index < genres.size(); index++) {
            requireTitle(genres.get(index), "genres[" + index + "]", FieldLimits.GENRE_LENGTH_MAX);
        }
    }
}
