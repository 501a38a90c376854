package dev.cnnc.compiler.layers;

import dev.cnnc.compiler.check.Args;
import dev.cnnc.compiler.check.Configs;
import dev.cnnc.compiler.check.LayerContext;
import dev.cnnc.compiler.check.LayerKind;
import dev.cnnc.compiler.check.Signature;
import dev.cnnc.compiler.ir.Activation;
import dev.cnnc.compiler.ir.ActivationLayer;
import dev.cnnc.compiler.ir.AdvancedActivationLayer;
import dev.cnnc.compiler.ir.AdvancedActivationLayer.Function;
import dev.cnnc.compiler.ir.Constraint;
import dev.cnnc.compiler.ir.Initializer;
import dev.cnnc.compiler.ir.Layer;
import dev.cnnc.compiler.ir.PReluLayer;
import dev.cnnc.compiler.ir.Shape;
import dev.cnnc.compiler.ir.Weight;
import dev.cnnc.compiler.syntax.Ast;
import java.util.List;

/**
 * The activation layers of Keras 2.2.4: {@code Activation} and {@code Softmax} ({@code core.py},
 * {@code advanced_activations.py}), which reuse the fused activations, and {@code ReLU},
 * {@code LeakyReLU}, {@code ELU}, {@code ThresholdedReLU} and {@code PReLU}, which have their own code.
 * The output shape is the input shape.
 */
public final class ActivationKinds {
    private static final double MAX = Double.MAX_VALUE;

    public static final LayerKind ACTIVATION = new LayerKind("Activation", List.of(),
            Signature.of("Activation").required("activation").build(), ActivationKinds::activation);

    public static final LayerKind SOFTMAX = new LayerKind("Softmax", List.of(),
            Signature.of("Softmax").optional("axis").build(), ActivationKinds::softmax);

    public static final LayerKind RELU = new LayerKind("ReLU", List.of(),
            Signature.of("ReLU").optional("max_value", "negative_slope", "threshold").build(), ActivationKinds::relu);

    public static final LayerKind LEAKY_RELU = new LayerKind("LeakyReLU", List.of(),
            Signature.of("LeakyReLU").optional("alpha").build(), ctx -> {
                double alpha = ctx.args().number("alpha", 0.3, -MAX, MAX);
                return advanced(ctx, "LeakyReLU", Function.RELU, alpha, null, 0);
            });

    public static final LayerKind ELU = new LayerKind("ELU", List.of(),
            Signature.of("ELU").optional("alpha").build(), ctx -> {
                double alpha = ctx.args().number("alpha", 1.0, -MAX, MAX);
                return advanced(ctx, "ELU", Function.ELU, alpha, null, 0);
            });

    public static final LayerKind THRESHOLDED_RELU = new LayerKind("ThresholdedReLU", List.of(),
            Signature.of("ThresholdedReLU").optional("theta").build(), ctx -> {
                double theta = ctx.args().number("theta", 1.0, -MAX, MAX);
                return advanced(ctx, "ThresholdedReLU", Function.RELU, 0, null, theta);
            });

    public static final LayerKind PRELU = new LayerKind("PReLU", List.of(), Signature.of("PReLU")
            .optional("alpha_initializer", "alpha_regularizer", "alpha_constraint", "shared_axes").build(),
            ActivationKinds::prelu);

    private ActivationKinds() {}

    static Layer activation(LayerContext ctx) {
        Activation a = Configs.activation(ctx.args(), "activation");
        if (!ctx.args().ok() || ctx.input() == null) {
            return null;
        }
        return new ActivationLayer(ctx.name(), ctx.span(), "Activation", ctx.input(), a);
    }

    static Layer softmax(LayerContext ctx) {
        Args a = ctx.args();
        int axis = a.integer("axis", -1, Integer.MIN_VALUE, Integer.MAX_VALUE);
        Shape in = ctx.input();
        if (!a.ok() || in == null) {
            return null;
        }
        // Keras counts the batch as axis 0: the last axis is -1 or the input's rank.
        if (axis != -1 && axis != in.rank()) {
            a.error("axis", "Softmax over axis " + axis + " is not supported: cnnc normalizes over the last axis "
                    + "(axis=-1) only");
            return null;
        }
        return new ActivationLayer(ctx.name(), ctx.span(), "Softmax", in, Activation.SOFTMAX);
    }

    static Layer relu(LayerContext ctx) {
        Args a = ctx.args();
        Double maxValue = null;
        if (a.has("max_value") && !(a.value("max_value") instanceof Ast.NoneValue)) {
            maxValue = a.number("max_value", 0, 0, MAX);
        }
        double slope = a.number("negative_slope", 0, 0, MAX);
        double threshold = a.number("threshold", 0, -MAX, MAX);
        return advanced(ctx, "ReLU", Function.RELU, slope, maxValue, threshold);
    }

    private static Layer advanced(LayerContext ctx, String kerasClass, Function f, double alpha, Double maxValue,
            double threshold) {
        if (!ctx.args().ok() || ctx.input() == null) {
            return null;
        }
        return new AdvancedActivationLayer(ctx.name(), ctx.span(), kerasClass, ctx.input(), f, alpha, maxValue, threshold);
    }

    static Layer prelu(LayerContext ctx) {
        Args a = ctx.args();
        Initializer init = Configs.initializer(a, "alpha_initializer", new Initializer.Constant(0));
        var regularizer = Configs.regularizer(a, "alpha_regularizer");
        Constraint constraint = Configs.constraint(a, "alpha_constraint");
        Shape in = ctx.input();
        if (!a.ok() || in == null) {
            return null;
        }
        int[] shape = in.dims();
        Ast.Value v = a.value("shared_axes");
        if (v != null && !(v instanceof Ast.NoneValue)) {
            List<Ast.Value> items = v instanceof Ast.IntValue ? List.of(v) : Args.items(v);
            if (items == null || !items.stream().allMatch(i -> i instanceof Ast.IntValue)) {
                a.error("shared_axes", "shared_axes must be an integer or a list of integers, found " + Args.describe(v));
                return null;
            }
            for (Ast.Value item : items) {
                long axis = ((Ast.IntValue) item).value();
                if (axis < 1 || axis > in.rank()) {
                    a.error("shared_axes", "shared_axes " + axis + " is out of range for an input of " + in.rank()
                            + (in.rank() == 1 ? " dimension" : " dimensions") + ": Keras counts from 1 (0 is the batch)");
                    return null;
                }
                shape[(int) axis - 1] = 1;
            }
        }
        WeightArguments.checkAxes(a, "alpha_constraint", constraint, shape.length);
        if (!a.ok()) {
            return null;
        }
        return new PReluLayer(ctx.name(), ctx.span(), in, Weight.of(Weight.Role.ALPHA, shape, init, regularizer,
                constraint));
    }
}
