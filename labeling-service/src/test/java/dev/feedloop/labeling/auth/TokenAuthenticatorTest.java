package dev.feedloop.labeling.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.feedloop.contracts.events.v1.Source;
import dev.feedloop.labeling.feedback.FeedbackError;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenAuthenticatorTest {

    private final TokenAuthenticator auth = new TokenAuthenticator(Map.of("t-a", "alice", "t-s", "sim-1"),
            Optional.of("t-prod"), Set.of("sim-1"));

    @Test
    void tokensNameTheirCaller() {
        assertEquals(new Caller("alice", Source.ANNOTATOR), auth.authenticate("Bearer t-a"));
        assertEquals(new Caller("sim-1", Source.SIMULATED), auth.authenticate("Bearer t-s"));
        assertEquals(Source.PRODUCTION, auth.authenticate("Bearer t-prod").source());
    }

    @Test
    void anonymousAndUnknownCallersAreUnauthenticated() {
        for (String header : new String[] {null, "", "Bearer nope"}) {
            FeedbackError e = assertThrows(FeedbackError.class, () -> auth.authenticate(header));
            assertEquals(FeedbackError.Code.UNAUTHENTICATED, e.code());
        }
    }

    @Test
    void theAdminTokenReadsAgreementButCannotLabel() {
        TokenAuthenticator withAdmin = new TokenAuthenticator(Map.of("t-a", "alice"), Optional.of("t-prod"), Set.of(),
                Optional.of("t-admin"));
        assertEquals(true, withAdmin.isAdmin("Bearer t-admin"));
        assertEquals(false, withAdmin.isAdmin("Bearer t-a"));
        withAdmin.requireAdmin("Bearer t-admin");
        assertEquals(FeedbackError.Code.PERMISSION_DENIED,
                assertThrows(FeedbackError.class, () -> withAdmin.requireAdmin("Bearer t-a")).code());
        assertEquals(FeedbackError.Code.UNAUTHENTICATED,
                assertThrows(FeedbackError.class, () -> withAdmin.requireAdmin("Bearer nope")).code());
        assertEquals(FeedbackError.Code.PERMISSION_DENIED,
                assertThrows(FeedbackError.class, () -> withAdmin.authenticate("Bearer t-admin")).code());
        assertEquals(FeedbackError.Code.UNAUTHENTICATED,
                assertThrows(FeedbackError.class, () -> auth.isAdmin("Bearer t-admin")).code(), "no admin configured");
        assertThrows(IllegalArgumentException.class, () -> new TokenAuthenticator(Map.of("t-a", "alice"), Optional.empty(),
                Set.of(), Optional.of("t-a")));
    }
}
