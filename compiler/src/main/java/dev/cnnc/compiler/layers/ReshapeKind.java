package dev.cnnc.compiler.layers;

import dev.cnnc.compiler.check.Args;
import dev.cnnc.compiler.check.LayerContext;
import dev.cnnc.compiler.check.LayerKind;
import dev.cnnc.compiler.check.Signature;
import dev.cnnc.compiler.ir.Layer;
import dev.cnnc.compiler.ir.PermuteLayer;
import dev.cnnc.compiler.ir.ReshapeLayer;
import dev.cnnc.compiler.ir.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.StringJoiner;

/**
 * {@code Reshape(target_shape)}: one dimension may be {@code -1}, inferred from the others; and
 * {@code Permute(dims)}: a permutation of {@code 1..rank}.
 */
public final class ReshapeKind {
    public static final LayerKind RESHAPE = new LayerKind("Reshape", List.of(),
            Signature.of("Reshape").required("target_shape").build(), ReshapeKind::reshape);
    public static final LayerKind PERMUTE = new LayerKind("Permute", List.of(),
            Signature.of("Permute").required("dims").build(), ReshapeKind::permute);

    private ReshapeKind() {}

    static Layer reshape(LayerContext ctx) {
        Args a = ctx.args();
        int[] target = a.intTuple("target_shape");
        Shape in = ctx.input();
        if (target == null) {
            return null;
        }
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < target.length; i++) {
            if (target[i] == -1 && unknown < 0) {
                unknown = i;
            } else if (target[i] == -1) {
                a.error("target_shape", "target_shape may have one unknown dimension (-1), found " + text(target));
                return null;
            } else if (target[i] <= 0) {
                a.error("target_shape", "target_shape dimensions must be positive or -1, found " + text(target));
                return null;
            } else {
                known *= target[i];
            }
        }
        if (!a.ok("target_shape") || in == null) {
            return null;
        }
        if (unknown >= 0) {
            if (in.size() % known != 0) {
                a.error("target_shape", "cannot reshape " + in + " (" + in.size() + " values) to " + text(target)
                        + ": " + in.size() + " is not a multiple of " + known);
                return null;
            }
            target[unknown] = (int) (in.size() / known);
        } else if (known != in.size()) {
            a.error("target_shape", "cannot reshape " + in + " (" + in.size() + " values) to " + text(target) + " ("
                    + known + " values)");
            return null;
        }
        return new ReshapeLayer(ctx.name(), ctx.span(), in, Shape.of(target));
    }

    static Layer permute(LayerContext ctx) {
        Args a = ctx.args();
        int[] dims = a.intTuple("dims");
        Shape in = ctx.input();
        if (dims == null) {
            return null;
        }
        int[] sorted = dims.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            if (sorted[i] != i + 1) {
                a.error("dims", "dims must be a permutation of 1.." + dims.length + " (1-based, without the batch axis), "
                        + "found " + text(dims));
                return null;
            }
        }
        if (!a.ok("dims") || in == null) {
            return null;
        }
        if (dims.length != in.rank()) {
            a.error("dims", "dims " + text(dims) + " has " + dims.length + " axes but the input " + in + " has "
                    + in.rank());
            return null;
        }
        int[] out = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            out[i] = in.dim(dims[i] - 1);
        }
        return new PermuteLayer(ctx.name(), ctx.span(), in, Shape.of(out), dims);
    }

    private static String text(int[] dims) {
        StringJoiner j = new StringJoiner(", ", "(", dims.length == 1 ? ",)" : ")");
        for (int d : dims) {
            j.add(Integer.toString(d));
        }
        return j.toString();
    }
}
