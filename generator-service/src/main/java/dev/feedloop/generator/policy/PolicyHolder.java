package dev.feedloop.generator.policy;

import java.util.Optional;

/**
 * The serving policy and at most one loaded successor waiting to replace it.
 *
 * <p>The loader thread {@link #offer}s a new version; the generating thread calls
 * {@link #swapIfPending()} between batches, so a batch never sees two versions. The replaced
 * policy is closed by the swap: only the generating thread may use {@link #current()}'s model
 * (callers serialise generation, see {@code RolloutGenerator}).
 */
public final class PolicyHolder implements AutoCloseable {

    private volatile Policy current;
    private Policy pending; // guarded by this

    /** The serving policy, empty until the base model is installed. */
    public Optional<Policy> current() {
        return Optional.ofNullable(current);
    }

    /** Version being served, or -1 before the base model is loaded. */
    public long currentVersion() {
        Policy p = current;
        return p == null ? -1 : p.version();
    }

    /** The newest version served or waiting to be, -1 if none. */
    public synchronized long newestVersion() {
        return Math.max(currentVersion(), pending == null ? -1 : pending.version());
    }

    /**
     * Queues {@code policy} to be served from the next batch on. A version not newer than the
     * current and the pending one is closed and ignored; a pending older one is replaced and closed.
     *
     * @return whether it was queued
     */
    public synchronized boolean offer(Policy policy) {
        if (policy.version() <= newestVersion()) {
            policy.close();
            return false;
        }
        if (current == null) {  // nothing serves yet: serve at once
            current = policy;
            return true;
        }
        if (pending != null) {
            pending.close();
        }
        pending = policy;
        return true;
    }

    /**
     * Makes the pending policy current and closes the old one. Call only between batches from
     * the thread that samples.
     *
     * @return the new policy if a swap happened
     */
    public synchronized Optional<Policy> swapIfPending() {
        if (pending == null) {
            return Optional.empty();
        }
        Policy old = current;
        current = pending;
        pending = null;
        if (old != null) {
            old.close();
        }
        return Optional.of(current);
    }

    @Override
    public synchronized void close() {
        if (pending != null) {
            pending.close();
            pending = null;
        }
        if (current != null) {
            current.close();
            current = null;
        }
    }
}
