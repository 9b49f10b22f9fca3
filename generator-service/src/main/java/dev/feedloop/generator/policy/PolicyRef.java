package dev.feedloop.generator.policy;

/**
 * A published policy version as the generator needs it (from {@code PolicyPublished}).
 *
 * @param version       the version number; only versions newer than the serving one are loaded
 * @param checkpointUri a path or {@code file:} URI: a Feedloop checkpoint directory or a llama2.c file
 * @param sha256        hex sha256 of the checkpoint: of {@code manifest.json} for a directory
 *                      (the manifest pins every other file), of the file itself for a llama2.c file
 */
public record PolicyRef(long version, String checkpointUri, String sha256) {
}
