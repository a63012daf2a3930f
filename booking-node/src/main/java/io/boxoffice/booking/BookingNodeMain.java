package io.boxoffice.booking;

import io.boxoffice.booking.discovery.DnsCachePolicy;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Entry point of the booking node ({@code java -jar quarkus-run.jar}). Sets the DNS cache policy before
 * anything in the JVM resolves a name (the JDK reads it once), then runs the Quarkus application.
 */
@QuarkusMain
public final class BookingNodeMain {

    private BookingNodeMain() {
    }

    public static void main(String... args) {
        DnsCachePolicy.apply();
        Quarkus.run(args);
    }
}
