package dev.feedloop.reward.config;

import dev.feedloop.reward.loop.LoopStats;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The plain objects shared between the model thread and the adapters. */
@ApplicationScoped
public class RewardBeans {

    @Produces
    @Singleton
    LoopStats loopStats() {
        return new LoopStats();
    }
}
