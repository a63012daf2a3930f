package io.boxoffice.booking.domain.payments;

import io.boxoffice.booking.domain.Counters;
import io.boxoffice.booking.domain.store.Keys;
import io.boxoffice.booking.domain.store.StateStore;
import io.boxoffice.proto.replicated.v1.PaymentRecord;
import io.boxoffice.proto.replicated.v1.PaymentState;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * Which record holds each payment the gateway reported (a booking, a hold's attempts, or the unmatched
 * ones), so the same payment is never applied twice; and the payments that matched nothing, each refunded.
 * Counts payments and refunds by outcome for the statistics.
 */
public final class Payments {

    /** Where a payment is recorded: "booking:&lt;id&gt;", "hold:&lt;id&gt;" or "unmatched". */
    public record Owner(String kind, String id) {
        static Owner parse(String text) {
            int colon = text.indexOf(':');
            return colon < 0 ? new Owner(text, "") : new Owner(text.substring(0, colon), text.substring(colon + 1));
        }

        String text() {
            return id.isEmpty() ? kind : kind + ":" + id;
        }
    }

    private final StateStore store;
    private final Counters counters;

    public Payments(StateStore store, Counters counters) {
        this.store = store;
        this.counters = counters;
    }

    public Optional<Owner> ownerOf(String paymentId) {
        byte[] owner = store.get(Keys.id(Keys.PAYMENT_OWNER, paymentId));
        return owner == null ? Optional.empty() : Optional.of(Owner.parse(new String(owner, StandardCharsets.UTF_8)));
    }

    /** Records a payment the first time it is seen, with where it lives. */
    public void recordNew(PaymentRecord payment, Owner owner) {
        store.put(Keys.id(Keys.PAYMENT_OWNER, payment.getId()), owner.text().getBytes(StandardCharsets.UTF_8));
        counters.add("payments." + stateName(payment.getState()), 1);
        counters.add("refunds", payment.getRefundsCount());
    }

    /** A recorded payment changed state (a later refund). */
    public void changed(PaymentRecord before, PaymentRecord after) {
        counters.move("payments", stateName(before.getState()), stateName(after.getState()));
        counters.add("refunds", after.getRefundsCount() - before.getRefundsCount());
    }

    /** A captured payment that matched no hold of its payer: recorded here, refunded in full. */
    public void recordUnmatched(PaymentRecord payment) {
        store.put(Keys.id(Keys.UNMATCHED_PAYMENT, payment.getId()), payment);
        recordNew(payment, new Owner("unmatched", ""));
    }

    public Optional<PaymentRecord> unmatched(String paymentId) {
        return Optional.ofNullable(store.get(Keys.id(Keys.UNMATCHED_PAYMENT, paymentId), PaymentRecord.parser()));
    }

    static String stateName(PaymentState state) {
        return state.name().substring("PAYMENT_STATE_".length()).toLowerCase(Locale.ROOT);
    }

    public long count(PaymentState state) {
        return counters.get("payments." + stateName(state));
    }

    public long refundCount() {
        return counters.get("refunds");
    }
}
