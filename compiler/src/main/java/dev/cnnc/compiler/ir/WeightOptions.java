package dev.cnnc.compiler.ir;

import java.util.ArrayList;
import java.util.List;

/**
 * The options Conv2D and Dense share, after their own arguments: activation, bias, initializers,
 * regularizers and constraints, with Keras' defaults filled in.
 */
public record WeightOptions(Activation activation, boolean useBias, Initializer kernelInitializer,
        Initializer biasInitializer, Regularizer kernelRegularizer, Regularizer biasRegularizer,
        Regularizer activityRegularizer, Constraint kernelConstraint, Constraint biasConstraint) {

    /** The kernel of {@code kernelShape} and, with {@code use_bias}, a bias of {@code units}: Keras' order. */
    public List<Weight> weights(int[] kernelShape, int units) {
        return weights(Weight.Role.KERNEL, kernelShape, units);
    }

    /** Like {@link #weights(int[], int)}, the kernel in {@code kernelRole} ({@code depthwise_kernel}). */
    public List<Weight> weights(Weight.Role kernelRole, int[] kernelShape, int units) {
        List<Weight> w = new ArrayList<>(2);
        w.add(Weight.of(kernelRole, kernelShape, kernelInitializer, kernelRegularizer, kernelConstraint));
        if (useBias) {
            w.add(Weight.of(Weight.Role.BIAS, new int[] {units}, biasInitializer, biasRegularizer, biasConstraint));
        }
        return w;
    }
}
