package io.boxoffice.booking.app;

import io.boxoffice.booking.config.BoxofficeConfig;
import io.boxoffice.booking.domain.BookingLimits;
import io.boxoffice.booking.domain.BookingStateMachine;
import io.boxoffice.booking.domain.payment.MockPaymentGateway;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Builds the domain objects from the configuration: the booking limits, the state machine, the gateway. */
public class DomainProducer {

    @Produces
    @Singleton
    BookingLimits limits(BoxofficeConfig config) {
        BoxofficeConfig.Limits limits = config.limits();
        return new BookingLimits(limits.holdDurationMillis(), limits.holdLifetimeMaxMillis(), limits.maxSeatsPerHold(),
                limits.activeHoldsPerUserMax(), limits.fullRefundBeforeShowMillis(),
                limits.idempotencyRetentionMillis(), limits.idempotencyPrunePerCommandMax(), limits.seatsPerRowMax());
    }

    @Produces
    @Singleton
    BookingStateMachine stateMachine(BookingLimits limits) {
        return new BookingStateMachine(limits);
    }

    @Produces
    @Singleton
    MockPaymentGateway paymentGateway() {
        return new MockPaymentGateway();
    }
}
