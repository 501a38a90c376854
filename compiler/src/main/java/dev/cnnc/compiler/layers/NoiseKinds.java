package dev.cnnc.compiler.layers;

import dev.cnnc.compiler.check.Args;
import dev.cnnc.compiler.check.LayerContext;
import dev.cnnc.compiler.check.LayerKind;
import dev.cnnc.compiler.check.Signature;
import dev.cnnc.compiler.ir.DataFormat;
import dev.cnnc.compiler.ir.Layer;
import dev.cnnc.compiler.ir.NoiseLayer;
import dev.cnnc.compiler.ir.NoiseLayer.Kind;
import dev.cnnc.compiler.ir.Shape;
import dev.cnnc.compiler.syntax.Ast;
import java.util.List;

/**
 * {@code Dropout(rate, noise_shape=None, seed=None)}, {@code SpatialDropout2D(rate, data_format=None)},
 * {@code GaussianNoise(stddev)} and {@code GaussianDropout(rate)}: the output shape is the input shape.
 */
public final class NoiseKinds {
    private static final double MAX = Double.MAX_VALUE;

    public static final LayerKind DROPOUT = new LayerKind("Dropout", List.of(),
            Signature.of("Dropout").required("rate").optional("noise_shape", "seed").build(), NoiseKinds::dropout);

    public static final LayerKind SPATIAL_DROPOUT_2D = new LayerKind("SpatialDropout2D", List.of(),
            Signature.of("SpatialDropout2D").required("rate").optional("data_format").keywordOnly("seed").build(),
            NoiseKinds::spatialDropout);

    public static final LayerKind GAUSSIAN_NOISE = new LayerKind("GaussianNoise", List.of(),
            Signature.of("GaussianNoise").required("stddev").build(), ctx -> {
                double stddev = ctx.args().number("stddev", 0, 0, MAX);
                return build(ctx, "GaussianNoise", Kind.GAUSSIAN_NOISE, stddev, null, null);
            });

    public static final LayerKind GAUSSIAN_DROPOUT = new LayerKind("GaussianDropout", List.of(),
            Signature.of("GaussianDropout").required("rate").build(), ctx -> {
                double rate = ctx.args().number("rate", 0, -MAX, MAX);
                return build(ctx, "GaussianDropout", Kind.GAUSSIAN_DROPOUT, rate, null, null);
            });

    private NoiseKinds() {}

    /** Keras clips the rate to [0, 1]. */
    private static double rate(Args a) {
        return Math.min(1, Math.max(0, a.number("rate", 0, -MAX, MAX)));
    }

    static Layer dropout(LayerContext ctx) {
        Args a = ctx.args();
        double rate = rate(a);
        Long seed = a.seed("seed");
        Shape in = ctx.input();
        if (!a.ok() || in == null) {
            return null;
        }
        int[] mask = in.dims();
        Ast.Value v = a.value("noise_shape");
        if (v != null && !(v instanceof Ast.NoneValue)) {
            List<Ast.Value> items = Args.items(v);
            if (items == null || items.size() != in.rank() + 1) {
                a.error("noise_shape", "noise_shape must be a tuple of " + (in.rank() + 1) + " entries (the batch and "
                        + in.rank() + (in.rank() == 1 ? " axis" : " axes") + " of " + in.toKeras() + "), found "
                        + Args.describe(v));
                return null;
            }
            if (!(items.get(0) instanceof Ast.NoneValue)) {
                a.error("noise_shape", "noise_shape must begin with None: cnnc draws one mask per example");
                return null;
            }
            for (int i = 1; i < items.size(); i++) {
                Ast.Value item = items.get(i);
                if (item instanceof Ast.NoneValue) {
                    continue;
                }
                int dim = in.dim(i - 1);
                if (!(item instanceof Ast.IntValue n) || (n.value() != 1 && n.value() != dim)) {
                    a.error("noise_shape", "noise_shape entry " + i + " must be None, 1 or " + dim + " (the input's "
                            + "length there), found " + item.text());
                    return null;
                }
                mask[i - 1] = (int) n.value();
            }
        }
        return build(ctx, "Dropout", Kind.DROPOUT, rate, mask, seed);
    }

    static Layer spatialDropout(LayerContext ctx) {
        Args a = ctx.args();
        double rate = rate(a);
        DataFormat format = a.dataFormat("data_format");
        Long seed = a.seed("seed");
        Shape in = ctx.input();
        if (!a.ok() || in == null) {
            return null;
        }
        if (in.rank() != 3) {
            ctx.error("SpatialDropout2D needs an input of 3 dimensions (height, width, channels), but its input is " + in.toKeras());
            return null;
        }
        int[] mask = format == DataFormat.CHANNELS_FIRST ? new int[] {in.dim(0), 1, 1} : new int[] {1, 1, in.dim(2)};
        return build(ctx, "SpatialDropout2D", Kind.DROPOUT, rate, mask, seed);
    }

    private static Layer build(LayerContext ctx, String kerasClass, Kind kind, double amount, int[] mask, Long seed) {
        if (!ctx.args().ok() || ctx.input() == null) {
            return null;
        }
        return new NoiseLayer(ctx.name(), ctx.span(), kerasClass, ctx.input(), kind, amount,
                mask == null ? ctx.input().dims() : mask, seed);
    }
}
