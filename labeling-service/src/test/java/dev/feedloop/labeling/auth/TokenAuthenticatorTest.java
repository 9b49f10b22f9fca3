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
}
