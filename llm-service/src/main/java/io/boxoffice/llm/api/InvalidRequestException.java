package io.boxoffice.llm.api;

/** A request field is missing, malformed or too large; becomes INVALID_ARGUMENT with this message. */
public final class InvalidRequestException extends RuntimeException {

    public InvalidRequestException(String message) {
        super(message);
    }
}
