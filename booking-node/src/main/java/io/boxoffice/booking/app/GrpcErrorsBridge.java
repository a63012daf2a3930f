package io.boxoffice.booking.app;

import io.boxoffice.booking.api.RejectedCommand;
import java.util.concurrent.CompletionException;

/** Reads facts out of a failed command without depending on how the failure was wrapped. */
final class GrpcErrorsBridge {

    private GrpcErrorsBridge() {
    }

    /** Whether the rejection refunded a captured payment (it came after the hold ended). */
    static boolean isRefund(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause instanceof RejectedCommand rejected && !rejected.rejection().getRefundId().isEmpty();
    }
}
