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

    /** Reads the shared arguments; constraint axes are checked against the kernel's rank. */
    static WeightOptions bind(Args args, int kernelRank) {
        WeightOptions w = new WeightOptions(
                Configs.activation(args, "activation"),
                args.bool("use_bias", true),
                Configs.initializer(args, "kernel_initializer", Initializer.glorotUniform()),
                Configs.initializer(args, "bias_initializer", Initializer.zeros()),
                Configs.regularizer(args, "kernel_regularizer"),
                Configs.regularizer(args, "bias_regularizer"),
                Configs.regularizer(args, "activity_regularizer"),
                Configs.constraint(args, "kernel_constraint"),
                Configs.constraint(args, "bias_constraint"));
        checkAxes(args, "kernel_constraint", w.kernelConstraint(), kernelRank);
        checkAxes(args, "bias_constraint", w.biasConstraint(), 1);
        if (!w.useBias()) {
            for (String unused : List.of("bias_initializer", "bias_regularizer", "bias_constraint")) {
                if (args.has(unused)) {
                    args.diagnostics().warning(args.span(unused), unused + " has no effect with use_bias=False");
                }
            }
        }
        return w;
    }

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
