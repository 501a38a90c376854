package dev.cnnc.runtime.train;

import java.util.List;

/**
 * Where the chunks of a training step are computed when not on this machine's threads: a cluster (the module
 * {@code cnnc-spark}) computes each chunk with {@link Trainer#computeChunk} on another JVM and hands the results
 * back; the {@link Trainer} then sums them in chunk order and updates the weights exactly as it does for chunks
 * computed locally, so that the weights are bit-identical to single-machine training.
 */
@FunctionalInterface
public interface ChunkSource {

    /** What one chunk contributes to a step: its gradients (one array per trainable tensor), loss and counts. */
    record Result(int chunk, List<float[]> gradients, double loss, double correct, double activity)
            implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
    }

    /**
     * Computes every chunk of one step, the examples {@code stepOrder[0, n)} (indices into the training data) of
     * epoch {@code epoch} with the model's current weights, and returns one result per chunk, in any order.
     */
    List<Result> compute(int epoch, int[] stepOrder, int n);
}
