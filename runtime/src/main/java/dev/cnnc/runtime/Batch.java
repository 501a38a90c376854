package dev.cnnc.runtime;

import java.util.Objects;

/**
 * The inputs of one forward pass: the examples, their number, the {@link Mode}, and what a layer
 * needs to draw reproducible random numbers, namely the run's seed, the epoch and each example's
 * index in the data set.
 *
 * <p>A layer that draws noise (Dropout) seeds its generator per example with
 * {@link #noiseSeed(int, int)}, which depends on (seed, epoch, layer, example id) only. The same
 * example therefore gets the same mask whichever chunk, replica or thread runs it, so training stays
 * bit-identical for any thread count.
 *
 * <p>Mutable and reusable: the trainer keeps one per chunk and refills it every step with
 * {@link #set}, {@link #noise} and {@link #exampleIds()}; none of these allocate. Not thread-safe.
 */
public final class Batch {
    private final int[] exampleIds;
    private float[] input = new float[0];
    private int size;
    private Mode mode = Mode.INFERENCE;
    private long seed;
    private int epoch;

    /**
     * An empty batch that can hold up to {@code capacity} examples, in inference mode, with example
     * ids {@code 0, 1, ...}.
     */
    public Batch(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("batch capacity must be at least 1, found " + capacity);
        }
        exampleIds = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            exampleIds[i] = i;
        }
    }

    /**
     * A batch for one inference call on the first {@code n} examples of {@code input}, with example
     * ids {@code 0 .. n-1}. Allocates; training loops keep a batch and {@link #set} it instead.
     */
    public static Batch inference(float[] input, int n) {
        return new Batch(Math.max(1, n)).set(input, n, Mode.INFERENCE);
    }

    /**
     * Sets the examples: the first {@code n} of {@code input} (kept by reference), in {@code mode}.
     * Example ids are left as they are.
     *
     * @throws IllegalArgumentException if {@code n} is negative or above the capacity
     */
    public Batch set(float[] input, int n, Mode mode) {
        if (n < 0 || n > exampleIds.length) {
            throw new IllegalArgumentException("a batch of capacity " + exampleIds.length + " cannot hold " + n
                    + " examples");
        }
        this.input = Objects.requireNonNull(input, "input");
        this.size = n;
        this.mode = Objects.requireNonNull(mode, "mode");
        return this;
    }

    /** Sets the run's seed and the epoch (0-based) that {@link #noiseSeed} mixes in. */
    public Batch noise(long seed, int epoch) {
        this.seed = seed;
        this.epoch = epoch;
        return this;
    }

    /** The examples, one after another in the model's input layout (at least {@code size()} of them). */
    public float[] input() {
        return input;
    }

    /** The number of examples. */
    public int size() {
        return size;
    }

    /** Training or inference. */
    public Mode mode() {
        return mode;
    }

    /** The most examples this batch can hold. */
    public int capacity() {
        return exampleIds.length;
    }

    /** The run's seed. */
    public long seed() {
        return seed;
    }

    /** The epoch, from 0. */
    public int epoch() {
        return epoch;
    }

    /** The index in the data set of example {@code i} of this batch. */
    public int exampleId(int i) {
        return exampleIds[Objects.checkIndex(i, size)];
    }

    /**
     * The example ids, writable, of length {@link #capacity()}: the trainer writes the data-set index
     * of example {@code i} at {@code [i]}.
     */
    public int[] exampleIds() {
        return exampleIds;
    }

    /**
     * A well-mixed 64-bit seed for layer {@code layer}'s random numbers for example {@code i}: a
     * function of ({@link #seed()}, {@link #epoch()}, {@code layer}, {@link #exampleId(int) exampleId(i)})
     * only, with SplitMix64's finalizer between the parts, so that neighbouring epochs, layers or
     * examples give unrelated streams. Use it with {@link Rng#reset(long)}.
     */
    public long noiseSeed(int layer, int i) {
        long z = Rng.mix(seed + 0x9E3779B97F4A7C15L * (epoch + 1L));
        z = Rng.mix(z ^ (0xD1B54A32D192ED03L * (layer + 1L)));
        return Rng.mix(z + 0xBF58476D1CE4E5B9L * (exampleId(i) + 1L));
    }
}
