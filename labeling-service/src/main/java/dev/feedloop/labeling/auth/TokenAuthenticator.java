package dev.feedloop.labeling.auth;

import dev.feedloop.contracts.events.v1.Source;
import dev.feedloop.labeling.feedback.FeedbackError;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Maps a bearer token to a {@link Caller}: each annotator has a token (configured token →
 * annotator name); production feedback (users' thumbs, relayed by the product's backend) has one
 * token of its own. No token or an unknown one is UNAUTHENTICATED.
 */
public final class TokenAuthenticator {

    private static final String BEARER = "Bearer ";

    private final Map<String, String> annotatorTokens;
    private final Optional<String> productionToken;
    private final Set<String> simulatedAnnotators;
    private final Optional<String> adminToken;

    /** Without an admin token. */
    public TokenAuthenticator(Map<String, String> annotatorTokens, Optional<String> productionToken,
                              Set<String> simulatedAnnotators) {
        this(annotatorTokens, productionToken, simulatedAnnotators, Optional.empty());
    }

    /**
     * @param annotatorTokens     token → annotator name
     * @param productionToken     the production-feedback token, if production feedback is accepted
     * @param simulatedAnnotators annotator names whose feedback is recorded as SIMULATED
     * @param adminToken          the token that may read the agreement between annotators
     */
    public TokenAuthenticator(Map<String, String> annotatorTokens, Optional<String> productionToken,
                              Set<String> simulatedAnnotators, Optional<String> adminToken) {
        this.annotatorTokens = Map.copyOf(annotatorTokens);
        this.productionToken = productionToken.filter(t -> !t.isBlank());
        this.simulatedAnnotators = Set.copyOf(simulatedAnnotators);
        this.adminToken = adminToken.filter(t -> !t.isBlank());
        this.adminToken.ifPresent(t -> {
            if (annotatorTokens.containsKey(t) || this.productionToken.equals(Optional.of(t))) {
                throw new IllegalArgumentException("the admin token is also an annotator or the production token");
            }
        });
        this.productionToken.ifPresent(t -> {
            if (annotatorTokens.containsKey(t)) {
                throw new IllegalArgumentException("the production token is also an annotator token");
            }
        });
    }

    /**
     * @param authorization the {@code Authorization} header ({@code Bearer <token>}), or null
     * @throws FeedbackError UNAUTHENTICATED when missing or unknown
     */
    public Caller authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw new FeedbackError(FeedbackError.Code.UNAUTHENTICATED, "authorization",
                    "missing credentials: send 'authorization: Bearer <token>'");
        }
        String token = token(authorization);
        if (isAdminToken(token)) {
            throw new FeedbackError(FeedbackError.Code.PERMISSION_DENIED, "authorization",
                    "the admin token reads agreement; it cannot label or send feedback");
        }
        if (productionToken.isPresent() && productionToken.get().equals(token)) {
            return new Caller("production", Source.PRODUCTION);
        }
        String annotator = annotatorTokens.get(token);
        if (annotator == null) {
            throw new FeedbackError(FeedbackError.Code.UNAUTHENTICATED, "authorization", "unknown token");
        }
        return new Caller(annotator, simulatedAnnotators.contains(annotator) ? Source.SIMULATED : Source.ANNOTATOR);
    }

    /**
     * Whether this is the admin token; any other known token is not, an unknown one is UNAUTHENTICATED.
     */
    public boolean isAdmin(String authorization) {
        if (authorization != null && !authorization.isBlank() && isAdminToken(token(authorization))) {
            return true;
        }
        authenticate(authorization);
        return false;
    }

    /** Passes for the admin token: PERMISSION_DENIED for another known token, UNAUTHENTICATED otherwise. */
    public void requireAdmin(String authorization) {
        if (!isAdmin(authorization)) {
            throw new FeedbackError(FeedbackError.Code.PERMISSION_DENIED, "authorization", "only the admin token may read this");
        }
    }

    private boolean isAdminToken(String token) {
        return adminToken.isPresent() && adminToken.get().equals(token);
    }

    private static String token(String authorization) {
        return authorization.startsWith(BEARER) ? authorization.substring(BEARER.length()).trim() : authorization.trim();
    }
}
