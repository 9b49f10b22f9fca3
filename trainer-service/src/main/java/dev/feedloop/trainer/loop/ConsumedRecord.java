package dev.feedloop.trainer.loop;

import dev.feedloop.trainer.lineage.PartitionKey;
import dev.feedloop.trainer.rollout.DecodedRollout;

/**
 * One record of the rewards topic as the consumer thread hands it to the training thread: either a
 * decoded rollout, or a record already sent to the dead-letter topic (it still counts in lineage,
 * so the offsets of consecutive versions stay contiguous).
 *
 * @param rollout          null when dead-lettered
 * @param deadLetterReason null unless dead-lettered
 */
public record ConsumedRecord(PartitionKey partition, long offset, DecodedRollout rollout, String deadLetterReason) {

    public static ConsumedRecord rollout(PartitionKey partition, long offset, DecodedRollout rollout) {
        return new ConsumedRecord(partition, offset, rollout, null);
    }

    public static ConsumedRecord deadLettered(PartitionKey partition, long offset, String reason) {
        return new ConsumedRecord(partition, offset, null, reason);
    }

    public boolean isDeadLettered() {
        return rollout == null;
    }
}
