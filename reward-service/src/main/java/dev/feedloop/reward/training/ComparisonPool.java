package dev.feedloop.reward.training;

import dev.feedloop.ml.train.EncodedPair;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A bounded pool of comparison groups: the replay buffer (train side) or the held-out set. Groups
 * keep their arrival order; {@link #put} replaces a group with the same id (and makes it the
 * newest); when the pool holds more than {@code capacity} pairs the oldest groups are dropped.
 */
public final class ComparisonPool {

    private final int capacity;
    private final LinkedHashMap<String, List<EncodedPair>> groups = new LinkedHashMap<>();
    private int pairs;
    private List<EncodedPair> flat;  // lazily rebuilt after a change
    private List<List<EncodedPair>> groupList;  // likewise
    private long generation;

    public ComparisonPool(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("pool capacity " + capacity + " must be >= 1");
        }
        this.capacity = capacity;
    }

    /** Adds or replaces a group; an empty group just removes the old one. */
    public void put(String groupId, List<EncodedPair> group) {
        List<EncodedPair> old = groups.remove(groupId);
        if (old != null) {
            pairs -= old.size();
        }
        if (!group.isEmpty()) {
            groups.put(groupId, List.copyOf(group));
            pairs += group.size();
        }
        Iterator<Map.Entry<String, List<EncodedPair>>> oldest = groups.entrySet().iterator();
        while (pairs > capacity && oldest.hasNext()) {
            pairs -= oldest.next().getValue().size();
            oldest.remove();
        }
        flat = null;
        groupList = null;
        generation++;
    }

    /** {@code n} pairs drawn uniformly with replacement; empty when the pool is. */
    public List<EncodedPair> sample(int n, Random random) {
        List<EncodedPair> all = all();
        List<EncodedPair> out = new ArrayList<>(n);
        for (int i = 0; i < n && !all.isEmpty(); i++) {
            out.add(all.get(random.nextInt(all.size())));
        }
        return out;
    }

    /**
     * Whole groups drawn uniformly with replacement, until the next one would pass {@code n} pairs
     * (the first one is always taken, cut to {@code n}). A group's pairs share its weight
     * 1/C(K,2) (InstructGPT eq. 1), so a batch of lone pairs from many groups would train at a
     * sixth of the scale of a batch of whole rankings; whole groups keep every batch at one scale.
     */
    public List<EncodedPair> sampleGroups(int n, Random random) {
        if (groupList == null) {
            groupList = List.copyOf(groups.values());
        }
        List<EncodedPair> out = new ArrayList<>(n);
        while (out.size() < n && !groupList.isEmpty()) {
            List<EncodedPair> g = groupList.get(random.nextInt(groupList.size()));
            if (!out.isEmpty() && out.size() + g.size() > n) {
                break;
            }
            out.addAll(g.subList(0, Math.min(g.size(), n - out.size())));
        }
        return out;
    }

    /** Every pair, oldest group first. */
    public List<EncodedPair> all() {
        if (flat == null) {
            List<EncodedPair> f = new ArrayList<>(pairs);
            groups.values().forEach(f::addAll);
            flat = List.copyOf(f);
        }
        return flat;
    }

    public int size() {
        return pairs;
    }

    /** Pairs of one group, 0 if absent. */
    public int groupSize(String groupId) {
        List<EncodedPair> group = groups.get(groupId);
        return group == null ? 0 : group.size();
    }

    public int groupCount() {
        return groups.size();
    }

    /** Changes with every {@link #put}: a cached evaluation on this pool is stale when it differs. */
    public long generation() {
        return generation;
    }
}
