package dev.cnnc.compiler.layers;

import dev.cnnc.compiler.check.Args;
import dev.cnnc.compiler.check.Configs;
import dev.cnnc.compiler.ir.Activation;
import dev.cnnc.compiler.ir.Constraint;
import dev.cnnc.compiler.ir.Initializer;
import dev.cnnc.compiler.ir.Regularizer;
import dev.cnnc.compiler.ir.WeightOptions;
import java.util.List;

/**
 * Binds the arguments Conv2D and Dense share, after their own: activation, bias, initializers,
 * regularizers and constraints, with Keras' defaults, into {@link WeightOptions}.
 */
final class WeightArguments {
    private WeightArguments() {}

    /** The argument names, in Keras' positional order. */
    public static final List<String> PARAMETERS = List.of("activation", "use_bias", "kernel_initializer",
            "bias_initializer", "kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint",
            "bias_constraint");

    /**
     * {@link #PARAMETERS} with {@code kernel} in the kernel's argument names: {@code depthwise} gives
     * DepthwiseConv2D's {@code depthwise_initializer}, ... in the same order.
     */
    static List<String> parameters(String kernel) {
        return PARAMETERS.stream().map(p -> p.startsWith("kernel_") ? kernel + p.substring("kernel".length()) : p).toList();
    }

    /** Reads the shared arguments; constraint axes are checked against the kernel's rank. */
    static WeightOptions bind(Args args, int kernelRank) {
        return bind(args, kernelRank, "kernel");
    }

    /** Like {@link #bind(Args, int)}, the kernel's arguments named {@code <kernel>_initializer}, .... */
    static WeightOptions bind(Args args, int kernelRank, String kernel) {
        WeightOptions w = new WeightOptions(
                Configs.activation(args, "activation"),
                args.bool("use_bias", true),
                Configs.initializer(args, kernel + "_initializer", Initializer.glorotUniform()),
                Configs.initializer(args, "bias_initializer", Initializer.zeros()),
                Configs.regularizer(args, kernel + "_regularizer"),
                Configs.regularizer(args, "bias_regularizer"),
                Configs.regularizer(args, "activity_regularizer"),
                Configs.constraint(args, kernel + "_constraint"),
                Configs.constraint(args, "bias_constraint"));
        checkAxes(args, kernel + "_constraint", w.kernelConstraint(), kernelRank);
        checkAxes(args, "bias_constraint", w.biasConstraint(), 1);
        warnUnusedBias(args, w.useBias());
        return w;
    }

    /** Warns at each bias argument given with {@code use_bias=False}. */
    static void warnUnusedBias(Args args, boolean useBias) {
        if (!useBias) {
            for (String unused : List.of("bias_initializer", "bias_regularizer", "bias_constraint")) {
                if (args.has(unused)) {
                    args.diagnostics().warning(args.span(unused), unused + " has no effect with use_bias=False");
                }
            }
        }
    }

    /** Reports a constraint axis outside a weight of {@code rank} axes. */
    static void checkAxes(Args args, String name, Constraint c, int rank) {
        int[] axes = c instanceof Constraint.MaxNorm m ? m.axes()
                : c instanceof Constraint.UnitNorm u ? u.axes()
                : c instanceof Constraint.MinMaxNorm mm ? mm.axes() : null;
        if (axes == null) {
            return;
        }
        for (int axis : axes) {
            if (axis < -rank || axis >= rank) {
                args.error(name, "constraint axis " + axis + " is out of range for a weight of rank " + rank
                        + (rank == 4 ? " (kh, kw, in, out)" : rank == 2 ? " (in, units)" : ""));
                return;
            }
        }
    }
}
