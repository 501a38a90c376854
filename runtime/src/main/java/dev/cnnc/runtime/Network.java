package dev.cnnc.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * What every generated model implements, so that the runtime can train, evaluate and save it.
 *
 * <p>A network owns its parameters and, for a batch size fixed at construction, its activation and
 * gradient buffers. Examples are laid out one after another in flat {@code float[]} buffers, each
 * in Keras' layout of the input shape. A network is not thread-safe; {@link #replica(int)} gives
 * another one that shares the parameter values but has its own buffers, for another thread.
 *
 * <h2>The training protocol</h2>
 *
 * The trainer splits every batch into chunks of 16 examples, each run by its own replica, possibly on
 * another thread, and sums the chunks' gradients in chunk order; so results never depend on the
 * thread count. It talks to a network only through these methods (see {@code docs/training.md}):
 *
 * <ul>
 * <li>{@link #forward(Batch)}: a {@link Batch} carries the inputs, the {@link Mode} and, for layers
 *     that draw noise (Dropout), the seed, epoch and example ids that {@link Batch#noiseSeed} mixes;
 *     random numbers thus depend on the example, never on its chunk or thread.
 * <li><b>Phases</b>, for layers that need statistics over the <em>whole</em> batch
 *     (BatchNormalization) although each replica sees only its chunk. A network with such layers cuts
 *     its forward and backward passes at them into {@link #phases()} phases. At the end of every phase
 *     but the last, each replica leaves the sums over its own examples in {@link #partialSums()}; the
 *     trainer adds the chunks' arrays in chunk order into {@link #batchSums()}, one array shared by a
 *     model and all its replicas, and the next phase reads the whole batch's sums from there.
 *     Backward runs {@link #backwardPhase} from the last phase down to 0 with the same reduction
 *     between phases. The layout of the sums is the network's; an entry keeps its value until the
 *     network writes it again, so forward statistics survive the backward reductions and
 *     {@link #updateState} can read them. Include the example count among the sums if a phase needs it.
 *     Chunk-order addition in double makes the sums, and so training, bit-identical for any thread
 *     count.
 * <li><b>State</b>: non-trainable tensors (moving mean and variance) are {@link Parameter}s with
 *     {@link Parameter#trainable()} false, listed by {@link #parameters()} (so that weights files
 *     and checkpoints carry them with no extra path, as Keras' {@code model.weights} does). Replicas
 *     share them and never write them; the trainer calls {@link #updateState} on the model it was
 *     given, never on a replica, once per step after the gradient reductions.
 * </ul>
 *
 * <p>Networks with one phase and no state need only the array methods: every method of the protocol
 * has a default for them, delegating to {@link #forward(float[], int)}, {@link #backward} and
 * {@link #backwardFromLogits}. Generated models will implement the protocol natively.
 */
public interface Network {

    /** What {@link #partialSums()} and {@link #batchSums()} return for a network without batch statistics. */
    double[] NO_SUMS = new double[0];

    /** The model's name, as in the {@code .cnn} file. */
    String name();

    /** The shape of one input example, without the batch dimension: {@code {28, 28, 1}}. */
    int[] inputShape();

    /** Floats per input example. */
    int inputSize();

    /** Floats per output example (classes). */
    int outputSize();

    /** The most examples one forward pass takes. */
    int batchSize();

    /**
     * The activation of the last layer, so that the trainer can fuse it with the loss (softmax with
     * cross-entropy) by comparing constants.
     */
    ActivationKind outputActivation();

    long parameterCount();

    /** How the {@code .cnn} file says to train the model. */
    TrainingConfig trainingConfig();

    /** The Keras-style summary table. */
    String summary();

    /**
     * Every tensor in layer order: the trainable kernels and biases and the non-trainable state
     * ({@link Parameter#trainable()}). One list, as Keras' {@code model.weights}, so that saving,
     * loading and checkpoints need no second path; optimizers take {@link #trainableParameters()}.
     */
    List<Parameter> parameters();

    /** The trainable tensors of {@link #parameters()}, in order. Allocates: call it once. */
    default List<Parameter> trainableParameters() {
        List<Parameter> list = new ArrayList<>();
        for (Parameter p : parameters()) {
            if (p.trainable()) {
                list.add(p);
            }
        }
        return List.copyOf(list);
    }

    /** A network with the same parameter values (shared, not copied) and its own buffers. */
    Network replica(int batchSize);

    /**
     * Runs the forward pass in {@link Mode#INFERENCE} on the first {@code n} examples of {@code input}
     * and returns the output buffer ({@code n * outputSize()} values; owned by the network,
     * overwritten by the next call). The input is kept by reference for {@link #backward}.
     */
    float[] forward(float[] input, int n);

    /**
     * Runs the whole forward pass on one replica: all {@link #phases()} in order, with the replica's own
     * {@link #partialSums()} copied into {@link #batchSums()} between them (the batch is the chunk).
     * For one phase: {@link #forward(float[], int)}, which today's layers compute the same way in both
     * modes.
     */
    default float[] forward(Batch batch) {
        int phases = phases();
        if (phases == 1) {
            return forward(batch.input(), batch.size());
        }
        float[] output = null;
        for (int phase = 0; phase < phases; phase++) {
            output = forwardPhase(batch, phase);
            if (phase < phases - 1) {
                double[] partial = partialSums();
                System.arraycopy(partial, 0, batchSums(), 0, partial.length);
            }
        }
        return output;
    }

    /**
     * The number of phases the forward and backward passes are cut into at layers that need
     * whole-batch statistics (see the class comment); 1 without such layers.
     */
    default int phases() {
        return 1;
    }

    /**
     * Runs forward phase {@code phase} ({@code 0 .. phases()-1}) on {@code batch}. Returns the output
     * buffer after the last phase, null before it. Phase {@code p > 0} reads the whole batch's sums
     * from {@link #batchSums()}. The trainer calls only this one; for one phase it is
     * {@link #forward(Batch)}, so a network with one phase that draws noise overrides just that.
     */
    default float[] forwardPhase(Batch batch, int phase) {
        requireOnePhase(phase);
        return forward(batch);
    }

    /**
     * Runs backward phase {@code phase}, called from {@code phases()-1} down to 0 after the forward
     * phases. The last phase takes the loss gradient, with respect to the outputs or, if
     * {@code fromLogits}, the last layer's pre-activation values; the earlier phases continue from the
     * network's own buffers and ignore it. Accumulates parameter gradients.
     */
    default void backwardPhase(float[] gradient, boolean fromLogits, int n, int phase) {
        requireOnePhase(phase);
        if (fromLogits) {
            backwardFromLogits(gradient, n);
        } else {
            backward(gradient, n);
        }
    }

    /**
     * The sums over this replica's own examples that the phase just run computed (and those of earlier
     * phases, unchanged): the trainer adds the chunks' arrays, in chunk order, into {@link #batchSums()}.
     * Owned by the replica; {@link #NO_SUMS} without batch statistics.
     */
    default double[] partialSums() {
        return NO_SUMS;
    }

    /**
     * The whole batch's sums, of the length of {@link #partialSums()}: one array shared by a model and
     * all its replicas, written by the trainer between phases and read by the next phase and by
     * {@link #updateState}.
     */
    default double[] batchSums() {
        return NO_SUMS;
    }

    /**
     * Updates the non-trainable state (a moving average, from {@link #batchSums()}) after a training
     * step's gradient reductions. Called by the trainer on the model it was given, once per step, never
     * on a replica; {@code batch} describes the whole step (its size and example ids; its input is
     * empty). Nothing to do without state.
     */
    default void updateState(Batch batch) {
    }

    private void requireOnePhase(int phase) {
        if (phases() != 1) {
            throw new UnsupportedOperationException(name() + " has " + phases()
                    + " phases and must implement forwardPhase and backwardPhase");
        }
        if (phase != 0) {
            throw new IndexOutOfBoundsException("phase " + phase + " of a network with one phase");
        }
    }

    /**
     * Back-propagates {@code outputGradient} (the loss gradient with respect to the outputs of the
     * last forward pass), accumulating parameter gradients.
     */
    void backward(float[] outputGradient, int n);

    /**
     * Like {@link #backward}, but the gradient is with respect to the last layer's pre-activation
     * values (its logits): used for softmax with cross-entropy, whose fused gradient is {@code (p - y) / N}.
     */
    void backwardFromLogits(float[] logitGradient, int n);

    /** Sets every parameter gradient to zero. */
    void zeroGradients();

    /** The activity-regularization penalty of the last forward pass (0 without activity regularizers). */
    double activityLoss();

    /** The kernel and bias regularization penalties of the current parameter values. */
    double regularizationLoss();

    /** Adds the gradients of the kernel and bias regularization penalties to the parameter gradients. */
    void addRegularizationGradients();

    /** Applies the kernel and bias constraints; called after every optimizer update. */
    void applyConstraints();

    /** Class probabilities (the output) for one example. Allocates the result. */
    /** The layers' names, in order, as Keras names them ({@code conv2d_1}, ...); empty for models generated before. */
    default List<String> layerNames() {
        return List.of();
    }

    /** Layer {@code layer}'s output shape for one example, in Keras' layout. */
    default int[] layerOutputShape(int layer) {
        throw new UnsupportedOperationException(name() + " was generated without access to its layers");
    }

    /**
     * Layer {@code layer}'s output in the last forward pass: this replica's examples one after another
     * ({@link #layerOutputShape} floats each). The buffer itself, overwritten by the next pass.
     */
    default float[] layerOutput(int layer) {
        throw new UnsupportedOperationException(name() + " was generated without access to its layers");
    }

    /**
     * The gradient of the loss with respect to layer {@code layer}'s output in the last backward pass
     * (for a class activation map); the buffer itself. Not computed for the last layer of a backward
     * pass from logits, nor before the first layer.
     */
    default float[] layerOutputGradient(int layer) {
        throw new UnsupportedOperationException(name() + " was generated without access to its layers");
    }

    default float[] predict(float[] image) {
        float[] result = new float[outputSize()];
        predict(image, result);
        return result;
    }

    /** Writes the output for one example into {@code result}, without allocating. */
    void predict(float[] image, float[] result);
}
