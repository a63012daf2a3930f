package io.boxoffice.booking.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.booking.testing.DemoDataReady;
import io.boxoffice.booking.testing.GrpcClients;
import io.boxoffice.booking.testing.Grpcurl;
import io.boxoffice.booking.testing.NodeTest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The grpcurl examples of docs/booking-node.md, done through server reflection only. */
@NodeTest
class ReflectionTest {

    static Grpcurl grpcurl;

    @BeforeAll
    static void setUp() {
        DemoDataReady.await();
        grpcurl = new Grpcurl(GrpcClients.channel());
    }

    @Test
    void grpcurl_list_shows_every_public_service() {
        assertThat(grpcurl.list()).contains("boxoffice.v1.AdminService", "boxoffice.v1.AssistantService",
                "boxoffice.v1.AuthService", "boxoffice.v1.BookingService", "boxoffice.v1.CatalogService",
                "boxoffice.v1.ClusterService");
    }

    @Test
    void grpcurl_describe_finds_the_methods() {
        assertThat(grpcurl.serviceDescriptor("boxoffice.v1.BookingService").getMethods())
                .extracting(m -> m.getName()).contains("HoldSeats", "ConfirmHold", "BookSeats", "CancelBooking");
    }

    @Test
    void grpcurl_login_list_movies_and_book_as_in_the_operator_docs() {
        String login = grpcurl.call("boxoffice.v1.AuthService/Login",
                "{\"username\": \"user1\", \"password\": \"password1\"}", null);
        String token = field(login, "token");

        String movies = grpcurl.call("boxoffice.v1.CatalogService/ListMovies", "{}", token);
        String shows = grpcurl.call("boxoffice.v1.CatalogService/ListShows", "{}", token);
        String showId = field(shows, "id");
        String booking = grpcurl.call("boxoffice.v1.BookingService/BookSeats", "{\"showId\": \"" + showId + "\", "
                + "\"seatIds\": [\"H2\", \"H3\"], \"payment\": {\"cardNumber\": \"4242424242424242\", "
                + "\"expiryMonth\": 12, \"expiryYear\": 2030, \"cvc\": \"123\"}, \"idempotencyKey\": \"docs-example-1\"}",
                token);

        assertThat(movies).contains("\"title\": \"The Raft Consensus\"");
        assertThat(showId).startsWith("shw_");
        assertThat(booking).contains("\"status\": \"BOOKING_STATUS_CONFIRMED\"").contains("\"seatId\": \"H2\"");
    }

    static String field(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\": \"([^\"]+)\"").matcher(json);
        assertThat(matcher.find()).as(name + " in " + json).isTrue();
        return matcher.group(1);
    }
}
