package io.boxoffice.cli.client;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Turns any failure a user can meet into one line that says what happened and what to do, never a stack
 * trace. Statuses carry the node's own message (which already names the seat, limit or field); this adds
 * the kind of problem and the next step.
 */
public final class ErrorExplainer {

    private ErrorExplainer() {
    }

    public static String explain(Throwable failure) {
        return oneLine(describe(failure));
    }

    /** The exit status a script sees for this failure: 3 conflict, 4 login needed, 5 cluster unavailable, else 1. */
    public static int exitCode(Throwable failure) {
        Status.Code code = codeOf(failure);
        if (code == null) {
            return 1;
        }
        return switch (code) {
            case FAILED_PRECONDITION, ALREADY_EXISTS, ABORTED -> 3;
            case UNAUTHENTICATED -> 4;
            case UNAVAILABLE, DEADLINE_EXCEEDED -> 5;
            default -> 1;
        };
    }

    public static Status.Code codeOf(Throwable failure) {
        if (failure instanceof CallFailedException call) {
            return call.code();
        }
        if (failure instanceof StatusRuntimeException status) {
            return status.getStatus().getCode();
        }
        return null;
    }

    private static String describe(Throwable failure) {
        if (failure instanceof CallFailedException call) {
            return describe(call.status(), call.trailers(), call.endpoint(), call.attempts());
        }
        if (failure instanceof StatusRuntimeException status) {
            return describe(status.getStatus(), status.getTrailers(), null, 1);
        }
        if (failure instanceof NotLoggedInException) {
            return failure.getMessage();
        }
        if (failure instanceof IllegalArgumentException) {
            return "Invalid input: " + failure.getMessage();
        }
        if (failure instanceof UncheckedIOException io) {
            return io.getMessage();
        }
        String message = failure.getMessage();
        return "Unexpected error (" + failure.getClass().getSimpleName() + ")"
                + (message == null ? "" : ": " + message);
    }

    static String describe(Status status, Metadata trailers, Endpoint endpoint, int attempts) {
        String detail = status.getDescription() == null ? "" : status.getDescription();
        Metadata safeTrailers = trailers == null ? new Metadata() : trailers;
        return switch (status.getCode()) {
            case UNAVAILABLE -> unavailable(detail, endpoint, attempts);
            case DEADLINE_EXCEEDED -> "The cluster did not answer in time" + after(attempts)
                    + " (no quorum, or overloaded); a write may still have been applied: retrying the same "
                    + "command is safe";
            case UNAUTHENTICATED -> "Not logged in, or the session expired (" + orDefault(detail, "no valid token")
                    + "): log in again";
            case PERMISSION_DENIED -> "Not allowed: " + orDefault(detail, "this needs the admin role");
            case FAILED_PRECONDITION -> failedPrecondition(detail, safeTrailers);
            case INVALID_ARGUMENT -> "Invalid input: " + orDefault(detail, "the request was malformed");
            case NOT_FOUND -> "Not found: " + orDefault(detail, "no such item (or it belongs to another user)");
            case ALREADY_EXISTS -> "Already exists: " + orDefault(detail, "pick another name");
            case RESOURCE_EXHAUSTED -> "Limit reached: " + orDefault(detail, "too many requests") + "; try again later";
            case CANCELLED -> "Cancelled: " + orDefault(detail, "the request was cancelled");
            default -> "Server error (" + status.getCode() + "): " + orDefault(detail, "no details")
                    + "; see the node's log";
        };
    }

    private static String unavailable(String detail, Endpoint endpoint, int attempts) {
        String lower = detail.toLowerCase(java.util.Locale.ROOT);
        if (detail.isEmpty() || lower.contains("io exception") || lower.contains("connection refused")
                || lower.contains("unable to resolve") || lower.contains("connect")) {
            return "No booking node answered" + (endpoint == null ? "" : " (last tried " + endpoint.label() + ")")
                    + after(attempts) + ": is the cluster running? Start it with ./boxoffice up, "
                    + "or pass --nodes host:port,...";
        }
        return "The service is unavailable right now" + after(attempts) + ": " + detail;
    }

    private static String failedPrecondition(String detail, Metadata trailers) {
        String taken = trailers.get(RetryPolicy.TAKEN_SEATS);
        if (taken != null && !taken.isBlank()) {
            List<String> seats = List.of(taken.split(","));
            return (seats.size() == 1 ? "Seat " + seats.get(0) + " is" : "Seats " + String.join(", ", seats) + " are")
                    + " already taken: pick other seats" + (detail.isEmpty() ? "" : " (" + detail + ")");
        }
        return "Not possible now: " + orDefault(detail, "the request conflicts with the current state");
    }

    private static String after(int attempts) {
        return attempts > 1 ? " after " + attempts + " attempts" : "";
    }

    private static String orDefault(String text, String fallback) {
        return text == null || text.isBlank() ? fallback : text;
    }

    static String oneLine(String text) {
        return text.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }
}
