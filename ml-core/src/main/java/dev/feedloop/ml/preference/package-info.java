/**
 * Human feedback → training comparisons, in plain Java.
 *
 * <p>Flow: loaders ({@link dev.feedloop.ml.preference.HhRlhfLoader},
 * {@link dev.feedloop.ml.preference.OasstLoader}) or the services' events produce
 * {@link dev.feedloop.ml.preference.Feedback} records; {@link dev.feedloop.ml.preference.ComparisonBuilder}
 * turns them into weighted {@link dev.feedloop.ml.preference.Comparison} groups;
 * {@link dev.feedloop.ml.preference.HeldOutSplit} splits them by prompt;
 * {@link dev.feedloop.ml.preference.PairEncoder} tokenises and truncates them for a reward model.
 * Every record dropped on the way is counted in a {@link dev.feedloop.ml.preference.ComparisonStats}
 * under a named reason. {@link dev.feedloop.ml.preference.LengthBaseline},
 * {@link dev.feedloop.ml.preference.BagOfWordsLogReg} and
 * {@link dev.feedloop.ml.preference.PairwiseAccuracy} are the yardsticks a reward model must beat.
 *
 * <p>Text convention shared by both loaders: a prompt is an HH-RLHF style transcript
 * ({@code "\n\nHuman: …\n\nAssistant: …\n\nHuman: …\n\nAssistant:"}) ending at the final
 * {@code "\n\nAssistant:"}, and a response is the rest ({@code " reply"}), so prompt + response is
 * the full transcript.
 */
package dev.feedloop.ml.preference;
