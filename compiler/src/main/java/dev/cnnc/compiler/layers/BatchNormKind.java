package dev.cnnc.compiler.layers;

import dev.cnnc.compiler.check.Args;
import dev.cnnc.compiler.check.Configs;
import dev.cnnc.compiler.check.LayerContext;
import dev.cnnc.compiler.check.LayerKind;
import dev.cnnc.compiler.check.Signature;
import dev.cnnc.compiler.ir.BatchNormLayer;
import dev.cnnc.compiler.ir.Initializer;
import dev.cnnc.compiler.ir.Layer;
import dev.cnnc.compiler.ir.Shape;
import java.util.List;

/**
 * {@code BatchNormalization(axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
 * beta_initializer='zeros', gamma_initializer='ones', moving_mean_initializer='zeros',
 * moving_variance_initializer='ones', beta_regularizer=None, gamma_regularizer=None,
 * beta_constraint=None, gamma_constraint=None)}. {@code axis} counts the batch axis, as in Keras:
 * {@code -1} is the last axis, {@code 1} the channels of a channels-first image.
 */
public final class BatchNormKind {
    public static final LayerKind KIND = new LayerKind("BatchNormalization", List.of(),
            Signature.of("BatchNormalization").optional("axis", "momentum", "epsilon", "center", "scale",
                    "beta_initializer", "gamma_initializer", "moving_mean_initializer", "moving_variance_initializer",
                    "beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint").build(),
            BatchNormKind::bind);

    private BatchNormKind() {}

    static Layer bind(LayerContext ctx) {
        Args a = ctx.args();
        int axis = a.integer("axis", -1, -1000, 1000);
        double momentum = a.number("momentum", 0.99, 0, 1);
        double epsilon = a.number("epsilon", 1e-3, Double.MIN_VALUE, Double.MAX_VALUE);
        boolean center = a.bool("center", true);
        boolean scale = a.bool("scale", true);
        Initializer beta = Configs.initializer(a, "beta_initializer", Initializer.zeros());
        Initializer gamma = Configs.initializer(a, "gamma_initializer", new Initializer.Constant(1.0));
        Initializer movingMean = Configs.initializer(a, "moving_mean_initializer", Initializer.zeros());
        Initializer movingVariance = Configs.initializer(a, "moving_variance_initializer", new Initializer.Constant(1.0));
        var betaRegularizer = Configs.regularizer(a, "beta_regularizer");
        var gammaRegularizer = Configs.regularizer(a, "gamma_regularizer");
        var betaConstraint = Configs.constraint(a, "beta_constraint");
        var gammaConstraint = Configs.constraint(a, "gamma_constraint");
        for (String unused : new String[] {"beta_initializer", "beta_regularizer", "beta_constraint"}) {
            if (!center && a.has(unused)) {
                a.diagnostics().warning(a.span(unused), unused + " has no effect with center=False");
            }
        }
        for (String unused : new String[] {"gamma_initializer", "gamma_regularizer", "gamma_constraint"}) {
            if (!scale && a.has(unused)) {
                a.diagnostics().warning(a.span(unused), unused + " has no effect with scale=False");
            }
        }
        Shape in = ctx.input();
        if (in == null) {
            return null;
        }
        // The output shape is the input's whatever the axis, so a wrong axis is reported and the last
        // one assumed: the layers after it are still checked.
        int rank = in.rank() + 1; // Keras counts the batch axis
        if (axis == 0 || axis == -rank) {
            a.error("axis", "axis " + axis + " is the batch axis; BatchNormalization normalizes along a feature axis "
                    + "(-1 for the last, as after Dense or a channels-last Conv2D; 1 after a channels-first one)");
            axis = -1;
        } else if (axis < -rank || axis >= rank) {
            a.error("axis", "axis " + axis + " is out of range for an input of " + in.rank() + " dimensions "
                    + in.toKeras() + ": use -1 to " + (rank - 1) + " except 0");
            axis = -1;
        }
        int index = (axis < 0 ? axis + rank : axis) - 1;
        // Keras 2.2.4 + TensorFlow on a CPU: 4-D inputs reduced over (0, 1, 2) take the fused kernel
        boolean fused = in.rank() == 3 && index == 2;
        return new BatchNormLayer(ctx.name(), ctx.span(), in, in, index, momentum, epsilon, center, scale, beta, gamma,
                movingMean, movingVariance, betaRegularizer, gammaRegularizer, betaConstraint, gammaConstraint, fused);
    }
}
