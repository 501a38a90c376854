package dev.cnnc.runtime;

/**
 * Whether a forward pass is part of training or not, as Keras' {@code learning_phase}: layers such
 * as Dropout (noise only in training) and BatchNormalization (batch statistics in training, moving
 * averages in inference) behave differently.
 */
public enum Mode {
    /** {@code fit}: the pass is followed by a backward pass and an update. */
    TRAINING,
    /** {@code evaluate} and {@code predict}: deterministic, no noise, no state updates. */
    INFERENCE
}
