package dev.feedloop.labeling.grpc;

import dev.feedloop.labeling.feedback.FeedbackError;
import io.grpc.Status;

/** FeedbackError → gRPC Status, the description naming the field. */
final class GrpcErrors {

    private GrpcErrors() {
    }

    static Status status(FeedbackError e) {
        Status status = switch (e.code()) {
            case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
            case NOT_FOUND -> Status.NOT_FOUND;
            case TOO_LARGE -> Status.RESOURCE_EXHAUSTED;
            case UNAUTHENTICATED -> Status.UNAUTHENTICATED;
            case PERMISSION_DENIED -> Status.PERMISSION_DENIED;
            case UNAVAILABLE -> Status.UNAVAILABLE;
        };
        return status.withDescription(e.getMessage());
    }
}
