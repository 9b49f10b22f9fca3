package dev.feedloop.trainer.loop;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Running totals since this process started, written by the training and consumer threads and read
 * by the metrics endpoint (Micrometer function counters and gauges over these fields).
 */
public final class TrainerCounters {
    public final AtomicLong records = new AtomicLong();
    public final AtomicLong rolloutsTrained = new AtomicLong();
    public final AtomicLong responsesTrained = new AtomicLong();
    public final AtomicLong droppedStale = new AtomicLong();
    public final AtomicLong droppedTemperature = new AtomicLong();
    public final AtomicLong deadLettered = new AtomicLong();
    public final AtomicLong steps = new AtomicLong();
    public final AtomicLong versionsPublished = new AtomicLong();
    /** The newest policy version written (checkpointed), -1 until the policy is loaded. */
    public final AtomicLong policyVersion = new AtomicLong(-1);
    /** Metrics of the last step, by TRL name (empty before the first). */
    public final AtomicReference<java.util.Map<String, Double>> lastStep = new AtomicReference<>(java.util.Map.of());
}
