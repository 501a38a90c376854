package dev.cnnc.runtime;

import java.util.List;

/**
 * What every generated model implements, so that the runtime can train, evaluate and save it.
 *
 * <p>A network owns its parameters and, for a batch size fixed at construction, its activation and
 * gradient buffers. Examples are laid out one after another in flat {@code float[]} buffers, each
 * in Keras' layout of the input shape. A network is not thread-safe; {@link #replica(int)} gives
 * another one that shares the parameter values but has its own buffers, for another thread.
 */
public interface Network {

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

    /** Every kernel and bias, in layer order. */
    List<Parameter> parameters();

    /** A network with the same parameter values (shared, not copied) and its own buffers. */
    Network replica(int batchSize);

    /**
     * Runs the forward pass on the first {@code n} examples of {@code input} and returns the output
     * buffer ({@code n * outputSize()} values; owned by the network, overwritten by the next call).
     * The input is kept by reference for {@link #backward}.
     */
    float[] forward(float[] input, int n);

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
    default float[] predict(float[] image) {
        float[] result = new float[outputSize()];
        predict(image, result);
        return result;
    }

    /** Writes the output for one example into {@code result}, without allocating. */
    void predict(float[] image, float[] result);
}
