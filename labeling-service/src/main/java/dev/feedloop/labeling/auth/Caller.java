package dev.feedloop.labeling.auth;

import dev.feedloop.contracts.events.v1.Source;

/**
 * Who is calling, from their token.
 *
 * @param name   the annotator's pseudonymous name; "production" for the production-feedback token
 * @param source the source their feedback is recorded with: ANNOTATOR, SIMULATED or PRODUCTION
 */
public record Caller(String name, Source source) {

    public boolean isProduction() {
        return source == Source.PRODUCTION;
    }
}
