package dev.feedloop.labeling.grpc;

import dev.feedloop.labeling.auth.Caller;
import dev.feedloop.labeling.auth.TokenAuthenticator;
import dev.feedloop.labeling.feedback.FeedbackError;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Authenticates every gRPC call from its {@code authorization: Bearer <token>} metadata; an
 * anonymous or unknown caller gets UNAUTHENTICATED before the service runs. The caller travels
 * to the service in the gRPC {@link Context} ({@link #CALLER}).
 */
@GlobalInterceptor
@ApplicationScoped
public class AuthInterceptor implements ServerInterceptor {

    static final Context.Key<Caller> CALLER = Context.key("feedloop-caller");
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    @Inject
    TokenAuthenticator authenticator;

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        if (call.getMethodDescriptor().getServiceName() != null
                && call.getMethodDescriptor().getServiceName().startsWith("grpc.")) {
            return next.startCall(call, headers);  // health and reflection stay open
        }
        Caller caller;
        try {
            caller = authenticator.authenticate(headers.get(AUTHORIZATION));
        } catch (FeedbackError e) {
            call.close(GrpcErrors.status(e), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        return Contexts.interceptCall(Context.current().withValue(CALLER, caller), call, headers, next);
    }
}
