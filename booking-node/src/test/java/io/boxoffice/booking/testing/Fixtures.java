package io.boxoffice.booking.testing;

import io.boxoffice.proto.v1.ListShowsRequest;
import io.boxoffice.proto.v1.PaymentDetails;
import io.boxoffice.proto.v1.Show;
import java.util.List;

/** The demo catalogue as tests use it: 6 shows on an 8 x 12 screen, A1 and A12 blocked, G..H premium. */
public final class Fixtures {

    public static final String CARD_OK = "4242424242424242";
    public static final String CARD_DECLINED = "4000000000000002";
    public static final String CARD_TRANSIENT = "4000000000000119";

    private Fixtures() {
    }

    public static List<Show> shows() {
        DemoDataReady.await();
        return GrpcClients.catalog(GrpcClients.user1()).listShows(ListShowsRequest.getDefaultInstance()).getShowsList();
    }

    /** Show {@code index} of the six demo shows; each test class uses its own to keep seats apart. */
    public static Show show(int index) {
        return shows().get(index);
    }

    public static PaymentDetails card(String number) {
        return PaymentDetails.newBuilder().setCardNumber(number).setExpiryMonth(12).setExpiryYear(2030).setCvc("123")
                .setCardholderName("Test User").build();
    }
}
