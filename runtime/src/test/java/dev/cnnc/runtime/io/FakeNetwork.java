package dev.cnnc.runtime.io;

import dev.cnnc.runtime.ActivationKind;
import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.Parameter;
import dev.cnnc.runtime.TrainingConfig;
import dev.cnnc.runtime.optim.LossKind;
import dev.cnnc.runtime.optim.OptimizerKind;
import java.util.ArrayList;
import java.util.List;

/** A network with given parameter shapes and no computation: enough to save and load weights, or check data shapes. */
public final class FakeNetwork implements Network {
    private final String name;
    private final List<Parameter> parameters = new ArrayList<>();
    private int[] inputShape = {4};
    private int outputSize = 2;

    /** A network without parameters of this input shape and output size, for shape checks. */
    public static FakeNetwork shaped(int[] inputShape, int outputSize) {
        FakeNetwork net = new FakeNetwork("Shaped");
        net.inputShape = inputShape.clone();
        net.outputSize = outputSize;
        return net;
    }

    FakeNetwork(String name, int[]... shapes) {
        this(name, new boolean[0], shapes);
    }

    /** Tensor {@code k} is non-trainable state if {@code state[k]} (missing entries: trainable). */
    FakeNetwork(String name, boolean[] state, int[]... shapes) {
        this.name = name;
        int k = 0;
        for (int[] shape : shapes) {
            int n = 1;
            for (int d : shape) {
                n *= d;
            }
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = (float) Math.sin(i + 7 * k);
            }
            String tensor = "layer_" + k + "/kernel"; // one name for both kinds: only the flag tells them apart
            boolean isState = k < state.length && state[k];
            k++;
            parameters.add(isState ? Parameter.state(tensor, shape, v) : new Parameter(tensor, shape, v, new float[n]));
        }
    }

    public String name() {
        return name;
    }

    public int[] inputShape() {
        return inputShape.clone();
    }

    public int inputSize() {
        int n = 1;
        for (int d : inputShape) {
            n *= d;
        }
        return n;
    }

    public int outputSize() {
        return outputSize;
    }

    public int batchSize() {
        return 1;
    }

    public ActivationKind outputActivation() {
        return ActivationKind.LINEAR;
    }

    public long parameterCount() {
        return parameters.stream().mapToLong(Parameter::size).sum();
    }

    public TrainingConfig trainingConfig() {
        return TrainingConfig.defaults(OptimizerKind.SGD, LossKind.MEAN_SQUARED_ERROR);
    }

    public String summary() {
        return name;
    }

    public List<Parameter> parameters() {
        return parameters;
    }

    public Network replica(int batchSize) {
        throw new UnsupportedOperationException();
    }

    public float[] forward(float[] input, int n) {
        throw new UnsupportedOperationException();
    }

    public void backward(float[] outputGradient, int n) {
        throw new UnsupportedOperationException();
    }

    public void backwardFromLogits(float[] logitGradient, int n) {
        throw new UnsupportedOperationException();
    }

    public void zeroGradients() {
    }

    public double activityLoss() {
        return 0;
    }

    public double regularizationLoss() {
        return 0;
    }

    public void addRegularizationGradients() {
    }

    public void applyConstraints() {
    }

    public void predict(float[] image, float[] result) {
        throw new UnsupportedOperationException();
    }
}
