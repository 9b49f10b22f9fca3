package dev.feedloop.generator.rollout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bounded hand-off from consumers to the one sampling thread, which takes prompts in batches:
 * {@link #nextBatch} waits for a first item, then up to {@code maxWait} more for the batch to fill
 * to {@code maxSize}. A full queue blocks {@link #put}: back-pressure on the Kafka consumer.
 */
public final class PromptBatcher<T> {

    private final BlockingQueue<T> queue;
    private final int maxSize;
    private final long maxWaitNanos;

    public PromptBatcher(int maxSize, Duration maxWait, int capacity) {
        if (maxSize < 1) {
            throw new IllegalArgumentException("feedloop.generator.batch.max-size = " + maxSize + " must be >= 1");
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("feedloop.generator.batch.queue-capacity = " + capacity + " must be >= 1");
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("feedloop.generator.batch.max-wait = " + maxWait + " must be >= 0");
        }
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.maxSize = maxSize;
        this.maxWaitNanos = maxWait.toNanos();
    }

    /** Adds an item, waiting while the queue is full. */
    public void put(T item) throws InterruptedException {
        queue.put(item);
    }

    /**
     * The next batch: empty if nothing arrived within {@code idle}; otherwise 1…maxSize items in
     * arrival order.
     */
    public List<T> nextBatch(Duration idle) throws InterruptedException {
        T first = queue.poll(idle.toNanos(), TimeUnit.NANOSECONDS);
        if (first == null) {
            return List.of();
        }
        List<T> batch = new ArrayList<>(maxSize);
        batch.add(first);
        long deadline = System.nanoTime() + maxWaitNanos;
        while (batch.size() < maxSize) {
            queue.drainTo(batch, maxSize - batch.size());
            long left = deadline - System.nanoTime();
            if (batch.size() >= maxSize || left <= 0) {
                break;
            }
            T next = queue.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) {
                break;
            }
            batch.add(next);
        }
        return batch;
    }

    /** Items waiting. */
    public int size() {
        return queue.size();
    }
}
