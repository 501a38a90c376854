package dev.cnnc.compiler.codegen;

import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.Parameter;
import java.util.List;

/** A network whose backward pass doubles the first kernel gradient: what a real bug would look like. */
final class BrokenGradient implements Network {
    private final Network net;

    BrokenGradient(Network net) {
        this.net = net;
    }

    public String name() {
        return net.name();
    }

    public int[] inputShape() {
        return net.inputShape();
    }

    public int inputSize() {
        return net.inputSize();
    }

    public int outputSize() {
        return net.outputSize();
    }

    public int batchSize() {
        return net.batchSize();
    }

    public dev.cnnc.runtime.ActivationKind outputActivation() {
        return net.outputActivation();
    }

    public long parameterCount() {
        return net.parameterCount();
    }

    public dev.cnnc.runtime.TrainingConfig trainingConfig() {
        return net.trainingConfig();
    }

    public String summary() {
        return net.summary();
    }

    public List<Parameter> parameters() {
        return net.parameters();
    }

    public Network replica(int batchSize) {
        return net.replica(batchSize);
    }

    public float[] forward(float[] input, int n) {
        return net.forward(input, n);
    }

    public void backward(float[] outputGradient, int n) {
        net.backward(outputGradient, n);
        float[] g = net.parameters().get(0).gradients();
        for (int i = 0; i < g.length; i++) {
            g[i] *= 2;
        }
    }

    public void backwardFromLogits(float[] logitGradient, int n) {
        net.backwardFromLogits(logitGradient, n);
    }

    public void zeroGradients() {
        net.zeroGradients();
    }

    public double activityLoss() {
        return net.activityLoss();
    }

    public double regularizationLoss() {
        return net.regularizationLoss();
    }

    public void addRegularizationGradients() {
        net.addRegularizationGradients();
    }

    public void applyConstraints() {
        net.applyConstraints();
    }

    public void predict(float[] image, float[] result) {
        net.predict(image, result);
    }

    /** For {@link InMemoryCompiler#inputGradient}. */
    public float[] inputGradient() {
        return InMemoryCompiler.inputGradient(net);
    }
}
