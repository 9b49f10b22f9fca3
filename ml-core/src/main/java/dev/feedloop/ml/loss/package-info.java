/**
 * Losses and advantage estimators of RLHF as small static functions, each citing its equation and
 * computing its diagnostics beside the value.
 *
 * <p>Dimension legend used throughout: N comparison pairs, G comparison groups, B sequences,
 * T tokens, V vocabulary, K samples per prompt.
 *
 * <p>Every scalar that takes part in a gradient is a torch-owned tensor made with
 * {@code manager.full(new Shape(), value, FLOAT32)}, never a Java {@code Number} operand
 * (STACK-NOTES, DJL pitfall 1). Tensor-valued losses return a record holding the differentiable
 * scalar loss and plain {@code double} diagnostics read from detached copies.
 */
package dev.feedloop.ml.loss;
