package dev.feedloop.labeling.rest;

import dev.feedloop.labeling.feedback.FeedbackError;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** FeedbackError → HTTP status and {@link Json.ErrorJson}; 401 also carries {@code WWW-Authenticate: Bearer}. */
@Provider
public class FeedbackErrorMapper implements ExceptionMapper<FeedbackError> {

    @Override
    public Response toResponse(FeedbackError e) {
        Response.ResponseBuilder response = Response.status(e.code().httpStatus)
                .type(MediaType.APPLICATION_JSON)
                .entity(new Json.ErrorJson(e.code().name(), e.field(), e.getMessage()));
        if (e.code() == FeedbackError.Code.UNAUTHENTICATED) {
            response.header("WWW-Authenticate", "Bearer");
        }
        return response.build();
    }
}
