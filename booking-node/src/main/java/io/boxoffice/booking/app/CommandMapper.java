package io.boxoffice.booking.app;

import io.boxoffice.booking.app.views.PublicViews;
import io.boxoffice.proto.replicated.v1.AdminRefund;
import io.boxoffice.proto.replicated.v1.CancelBooking;
import io.boxoffice.proto.replicated.v1.CreateMovie;
import io.boxoffice.proto.replicated.v1.CreateScreen;
import io.boxoffice.proto.replicated.v1.CreateShow;
import io.boxoffice.proto.replicated.v1.ExtendHold;
import io.boxoffice.proto.replicated.v1.HoldSeats;
import io.boxoffice.proto.replicated.v1.ReleaseHold;
import io.boxoffice.proto.replicated.v1.SeatSelection;
import io.boxoffice.proto.replicated.v1.UpdateMovie;
import io.boxoffice.proto.replicated.v1.UpdateScreen;
import io.boxoffice.proto.replicated.v1.UpdateShow;
import io.boxoffice.proto.v1.BestAvailable;
import io.boxoffice.proto.v1.CancelBookingRequest;
import io.boxoffice.proto.v1.CreateMovieRequest;
import io.boxoffice.proto.v1.CreateScreenRequest;
import io.boxoffice.proto.v1.CreateShowRequest;
import io.boxoffice.proto.v1.ExtendHoldRequest;
import io.boxoffice.proto.v1.HoldSeatsRequest;
import io.boxoffice.proto.v1.RefundBookingRequest;
import io.boxoffice.proto.v1.ReleaseHoldRequest;
import io.boxoffice.proto.v1.UpdateMovieRequest;
import io.boxoffice.proto.v1.UpdateScreenRequest;
import io.boxoffice.proto.v1.UpdateShowRequest;
import java.util.List;

/**
 * Public requests ({@code boxoffice.v1}) as replicated command payloads ({@code boxoffice.replicated.v1}):
 * the log stores its own messages, so the API can change without changing what is on disk.
 */
public final class CommandMapper {

    private CommandMapper() {
    }

    public static CreateMovie createMovie(CreateMovieRequest request) {
        return CreateMovie.newBuilder().setTitle(request.getTitle()).setDescription(request.getDescription())
                .setDurationMinutes(request.getDurationMinutes()).setAgeRating(request.getAgeRating())
                .addAllGenres(request.getGenresList()).build();
    }

    public static UpdateMovie updateMovie(UpdateMovieRequest request) {
        UpdateMovie.Builder command = UpdateMovie.newBuilder().setMovieId(request.getMovieId())
                .addAllGenres(request.getGenresList()).setReplaceGenres(request.getReplaceGenres());
        if (request.hasTitle()) {
            command.setTitle(request.getTitle());
        }
        if (request.hasDescription()) {
            command.setDescription(request.getDescription());
        }
        if (request.hasDurationMinutes()) {
            command.setDurationMinutes(request.getDurationMinutes());
        }
        if (request.hasAgeRating()) {
            command.setAgeRating(request.getAgeRating());
        }
        return command.build();
    }

    public static CreateScreen createScreen(CreateScreenRequest request) {
        CreateScreen.Builder command = CreateScreen.newBuilder().setName(request.getName());
        if (request.hasLayout()) {
            command.setLayout(PublicViews.record(request.getLayout()));
        }
        return command.build();
    }

    public static UpdateScreen updateScreen(UpdateScreenRequest request) {
        UpdateScreen.Builder command = UpdateScreen.newBuilder().setScreenId(request.getScreenId());
        if (request.hasName()) {
            command.setName(request.getName());
        }
        if (request.hasLayout()) {
            command.setLayout(PublicViews.record(request.getLayout()));
        }
        return command.build();
    }

    public static CreateShow createShow(CreateShowRequest request) {
        return CreateShow.newBuilder().setMovieId(request.getMovieId()).setScreenId(request.getScreenId())
                .setStartsAtMillis(request.getStartsAtMillis()).build();
    }

    public static UpdateShow updateShow(UpdateShowRequest request) {
        UpdateShow.Builder command = UpdateShow.newBuilder().setShowId(request.getShowId()).setCancel(request.getCancel());
        if (request.hasStartsAtMillis()) {
            command.setStartsAtMillis(request.getStartsAtMillis());
        }
        return command.build();
    }

    public static SeatSelection selection(List<String> seatIds, boolean hasBest, BestAvailable best) {
        SeatSelection.Builder selection = SeatSelection.newBuilder().addAllSeatIds(seatIds);
        if (hasBest) {
            selection.setBestAvailableCount(best.getCount()).setBestAvailableCategory(best.getCategory());
        }
        return selection.build();
    }

    public static HoldSeats holdSeats(HoldSeatsRequest request) {
        return HoldSeats.newBuilder().setShowId(request.getShowId()).setSeats(selection(request.getSeatIdsList(),
                request.hasBestAvailable(), request.getBestAvailable())).build();
    }

    public static ExtendHold extendHold(ExtendHoldRequest request) {
        return ExtendHold.newBuilder().setHoldId(request.getHoldId()).build();
    }

    public static ReleaseHold releaseHold(ReleaseHoldRequest request) {
        return ReleaseHold.newBuilder().setHoldId(request.getHoldId()).build();
    }

    public static CancelBooking cancelBooking(CancelBookingRequest request) {
        return CancelBooking.newBuilder().setBookingId(request.getBookingId()).setReason(request.getReason()).build();
    }

    public static AdminRefund adminRefund(RefundBookingRequest request) {
        AdminRefund.Builder command = AdminRefund.newBuilder().setBookingId(request.getBookingId())
                .setReason(request.getReason());
        if (request.hasAmount()) {
            command.setAmount(PublicViews.record(request.getAmount()));
        }
        return command.build();
    }
}
