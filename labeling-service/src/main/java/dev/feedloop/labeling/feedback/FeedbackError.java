package dev.feedloop.labeling.feedback;

/**
 * A rejected call, with the offending field. The adapters map the code: gRPC status / HTTP status.
 */
public class FeedbackError extends RuntimeException {

    /** Why a call is rejected; gRPC status name and HTTP status. */
    public enum Code {
        /** A malformed request: a ranking that is not an ordering, a score outside 1–7. gRPC INVALID_ARGUMENT, HTTP 400. */
        INVALID_ARGUMENT(400),
        /** An unknown rollout or response id. gRPC NOT_FOUND, HTTP 404. */
        NOT_FOUND(404),
        /**
         * A comment or text over its length limit. HTTP 413; gRPC RESOURCE_EXHAUSTED, the status gRPC
         * itself gives a message over the size limit (OUT_OF_RANGE is for values outside a range).
         */
        TOO_LARGE(413),
        /** No or unknown token. gRPC UNAUTHENTICATED, HTTP 401. */
        UNAUTHENTICATED(401),
        /** A valid token that may not do this (production token asking for a task). gRPC PERMISSION_DENIED, HTTP 403. */
        PERMISSION_DENIED(403),
        /** The broker did not acknowledge the event; the client may retry with the same event_id. gRPC UNAVAILABLE, HTTP 503. */
        UNAVAILABLE(503);

        public final int httpStatus;

        Code(int httpStatus) {
            this.httpStatus = httpStatus;
        }
    }

    private final Code code;
    private final String field;

    public FeedbackError(Code code, String field, String message) {
        super(message);
        this.code = code;
        this.field = field;
    }

    public FeedbackError(Code code, String field, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.field = field;
    }

    public Code code() {
        return code;
    }

    /** The request field at fault, e.g. {@code score.value}; empty when none. */
    public String field() {
        return field;
    }
}
