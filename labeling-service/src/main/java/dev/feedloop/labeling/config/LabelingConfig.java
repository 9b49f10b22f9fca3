package dev.feedloop.labeling.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Configuration of the labeling service, prefix {@code feedloop.labeling}. */
@ConfigMapping(prefix = "feedloop.labeling")
public interface LabelingConfig {

    /** {@code quorum}: distinct annotators who must label a rollout before its task closes. Default 1. */
    @WithDefault("1")
    int quorum();

    /** {@code lease-duration}: how long an annotator holds a task before it returns to the queue (ISO-8601). Default PT10M. */
    @WithDefault("PT10M")
    Duration leaseDuration();

    /** {@code production-rollouts-as-tasks}: whether rollouts of production traffic (source PRODUCTION) also become tasks. Default false. */
    @WithDefault("false")
    boolean productionRolloutsAsTasks();

    /** {@code max-comment-chars}: longest accepted comment, characters; longer is 413 / RESOURCE_EXHAUSTED. Default 2000. */
    @WithDefault("2000")
    int maxCommentChars();

    /** {@code max-category-chars}: longest accepted flag category, characters. Default 64. */
    @WithDefault("64")
    int maxCategoryChars();

    /**
     * {@code user-id-hash-key}: HMAC-SHA256 key (at least 16 bytes) that turns production user ids into
     * pseudonyms. No default in prod: set it (env FEEDLOOP_LABELING_USER_ID_HASH_KEY) to a secret.
     */
    String userIdHashKey();

    /** {@code history-size}: feedback entries kept per annotator for their history on the labeling page. Default 200. */
    @WithDefault("200")
    int historySize();

    /** Authentication. */
    Auth auth();

    /** The loop's dashboard. */
    Dashboard dashboard();

    interface Dashboard {
        /** {@code dashboard.offsets-interval}: how often the topics' end offsets and the groups' lag are sampled (ISO-8601). Default PT2S. */
        @WithDefault("PT2S")
        Duration offsetsInterval();
    }

    interface Auth {
        /** {@code auth.annotator-tokens."<token>"=<annotator name>}: one entry per annotator. Default none. */
        Map<String, String> annotatorTokens();

        /** {@code auth.production-token}: the token of the production-feedback caller (thumbs, flags). Default none: production feedback refused. */
        Optional<String> productionToken();

        /** {@code auth.simulated-annotators}: annotator names whose feedback is recorded with source SIMULATED. Default none. */
        Optional<Set<String>> simulatedAnnotators();

        /** {@code auth.admin-token}: the token that sees agreement between annotators (it cannot label). Default none: no admin. */
        Optional<String> adminToken();
    }
}
