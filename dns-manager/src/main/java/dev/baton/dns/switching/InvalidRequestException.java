package dev.baton.dns.switching;

/** The caller asked for something that cannot be valid (unknown zone, name outside it, bad value): a 400. */
public class InvalidRequestException extends RuntimeException {

    public InvalidRequestException(String message) {
        super(message);
    }
}
