package io.boxoffice.booking.app;

import io.boxoffice.booking.config.BoxofficeConfig;
import io.boxoffice.booking.config.NodeSettings;
import io.boxoffice.booking.domain.BookingLimits;
import io.boxoffice.booking.domain.BookingStateMachine;
import io.boxoffice.booking.domain.store.StoreTuning;
import io.boxoffice.booking.payment.MockPaymentGateway;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Builds the domain objects from the configuration: the booking limits, the state machine, the gateway. */
public class DomainProducer {

    /** Sub-directory of the data directory holding the booking state's RocksDB. */
    public static final String STATE_DIRECTORY = "state";

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
    BookingStateMachine stateMachine(BookingLimits limits, NodeSettings settings, BoxofficeConfig config) {
        BoxofficeConfig.State state = config.state();
        return new BookingStateMachine(settings.dataDir().resolve(STATE_DIRECTORY), limits,
                new StoreTuning(state.writeBufferBytes(), state.writeBuffersMax(), state.blockCacheBytes()),
                state.cachedShowsMax());
    }

    @Produces
    @Singleton
    MockPaymentGateway paymentGateway() {
        return new MockPaymentGateway();
    }
}
