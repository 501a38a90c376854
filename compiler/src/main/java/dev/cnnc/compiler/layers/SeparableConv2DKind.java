package dev.cnnc.compiler.layers;

import dev.cnnc.compiler.check.Args;
import dev.cnnc.compiler.check.Configs;
import dev.cnnc.compiler.check.LayerContext;
import dev.cnnc.compiler.check.LayerKind;
import dev.cnnc.compiler.check.Signature;
import dev.cnnc.compiler.ir.Activation;
import dev.cnnc.compiler.ir.Constraint;
import dev.cnnc.compiler.ir.DataFormat;
import dev.cnnc.compiler.ir.Geometry2D;
import dev.cnnc.compiler.ir.Initializer;
import dev.cnnc.compiler.ir.Layer;
import dev.cnnc.compiler.ir.Padding;
import dev.cnnc.compiler.ir.Regularizer;
import dev.cnnc.compiler.ir.SeparableConv2DLayer;
import dev.cnnc.compiler.ir.Shape;
import dev.cnnc.compiler.ir.Weight;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code SeparableConv2D(filters, kernel_size, strides=(1, 1), padding='valid', data_format=None,
 * dilation_rate=(1, 1), depth_multiplier=1, activation=None, use_bias=True,
 * depthwise_initializer='glorot_uniform', pointwise_initializer='glorot_uniform',
 * bias_initializer='zeros', depthwise_regularizer=None, pointwise_regularizer=None,
 * bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
 * pointwise_constraint=None, bias_constraint=None)}, alias {@code SeparableConvolution2D}, as Keras 2.2.4.
 */
public final class SeparableConv2DKind {
    public static final LayerKind KIND = new LayerKind("SeparableConv2D", List.of("SeparableConvolution2D"),
            Signature.of("SeparableConv2D").required("filters", "kernel_size")
                    .optional("strides", "padding", "data_format", "dilation_rate", "depth_multiplier", "activation",
                            "use_bias", "depthwise_initializer", "pointwise_initializer", "bias_initializer",
                            "depthwise_regularizer", "pointwise_regularizer", "bias_regularizer", "activity_regularizer",
                            "depthwise_constraint", "pointwise_constraint", "bias_constraint")
                    .build(),
            SeparableConv2DKind::bind);

    private static final String[] SHAPE_ARGUMENTS = {"filters", "kernel_size", "strides", "padding", "data_format",
        "dilation_rate", "depth_multiplier"};

    private SeparableConv2DKind() {}

    static Layer bind(LayerContext ctx) {
        Args a = ctx.args();
        int filters = a.positiveInt("filters", 1);
        int[] kernel = a.intPair("kernel_size", new int[] {1, 1});
        int[] strides = a.intPair("strides", new int[] {1, 1});
        Padding padding = a.padding("padding");
        DataFormat format = a.dataFormat("data_format");
        int[] dilation = a.intPair("dilation_rate", new int[] {1, 1});
        int multiplier = a.positiveInt("depth_multiplier", 1);
        if ((strides[0] != 1 || strides[1] != 1) && (dilation[0] != 1 || dilation[1] != 1)) {
            a.error("strides", "strides other than 1 cannot be combined with dilation_rate other than 1 (Keras rule): "
                    + "found strides=" + Windows.pair(strides) + " and dilation_rate=" + Windows.pair(dilation));
        }
        Activation activation = Configs.activation(a, "activation");
        boolean useBias = a.bool("use_bias", true);
        Initializer depthwiseInit = Configs.initializer(a, "depthwise_initializer", Initializer.glorotUniform());
        Initializer pointwiseInit = Configs.initializer(a, "pointwise_initializer", Initializer.glorotUniform());
        Initializer biasInit = Configs.initializer(a, "bias_initializer", Initializer.zeros());
        Regularizer depthwiseReg = Configs.regularizer(a, "depthwise_regularizer");
        Regularizer pointwiseReg = Configs.regularizer(a, "pointwise_regularizer");
        Regularizer biasReg = Configs.regularizer(a, "bias_regularizer");
        Regularizer activityReg = Configs.regularizer(a, "activity_regularizer");
        Constraint depthwiseCon = Configs.constraint(a, "depthwise_constraint");
        Constraint pointwiseCon = Configs.constraint(a, "pointwise_constraint");
        Constraint biasCon = Configs.constraint(a, "bias_constraint");
        WeightArguments.checkAxes(a, "depthwise_constraint", depthwiseCon, 4);
        WeightArguments.checkAxes(a, "pointwise_constraint", pointwiseCon, 4);
        WeightArguments.checkAxes(a, "bias_constraint", biasCon, 1);
        WeightArguments.warnUnusedBias(a, useBias);
        Shape in = ctx.input();
        if (!a.ok(SHAPE_ARGUMENTS) || in == null || !Windows.checkRank3(ctx, "SeparableConv2D")) {
            return null;
        }
        Geometry2D g = Geometry2D.of(in, format, kernel, strides, dilation, padding);
        if (!g.fits()) {
            ctx.error("SeparableConv2D output would be " + g.outHeight() + "x" + g.outWidth() + ": kernel "
                    + Windows.kernelText(kernel, dilation) + " on " + in + " with padding '" + padding.keras() + "'");
            return null;
        }
        long middle = (long) g.channels() * multiplier;
        if (!ctx.checkArraySize("SeparableConv2D depthwise kernel", (long) kernel[0] * kernel[1] * middle, kernel[0] + "x"
                + kernel[1] + "x" + g.channels() + "x" + multiplier)
                || !ctx.checkArraySize("SeparableConv2D pointwise kernel", middle * filters, "1x1x" + middle + "x" + filters)
                || !ctx.checkArraySize("SeparableConv2D depthwise output", middle * g.outHeight() * g.outWidth() * 2,
                        "2x" + g.outHeight() + "x" + g.outWidth() + "x" + middle)) {
            return null;
        }
        Shape out = g.outputShape(filters);
        if (!ctx.checkArraySize("SeparableConv2D output", out.size(), out.toString())) {
            return null;
        }
        List<Weight> weights = new ArrayList<>();
        weights.add(Weight.of(Weight.Role.DEPTHWISE_KERNEL, new int[] {kernel[0], kernel[1], g.channels(), multiplier},
                depthwiseInit, depthwiseReg, depthwiseCon));
        weights.add(Weight.of(Weight.Role.POINTWISE_KERNEL, new int[] {1, 1, (int) middle, filters}, pointwiseInit,
                pointwiseReg, pointwiseCon));
        if (useBias) {
            weights.add(Weight.of(Weight.Role.BIAS, new int[] {filters}, biasInit, biasReg, biasCon));
        }
        return new SeparableConv2DLayer(ctx.name(), ctx.span(), in, out, filters, multiplier, g, activation, activityReg,
                weights);
    }
}
