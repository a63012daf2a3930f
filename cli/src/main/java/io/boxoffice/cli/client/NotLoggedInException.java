package io.boxoffice.cli.client;

/** A command that needs a token ran without a session. */
public final class NotLoggedInException extends RuntimeException {

    public NotLoggedInException() {
        super("Not logged in: run `bookingctl login` (demo users: user1/password1, admin/admin123)");
    }

    public NotLoggedInException(String message) {
        super(message);
    }
}
