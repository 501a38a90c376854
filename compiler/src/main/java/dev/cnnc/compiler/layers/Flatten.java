package dev.cnnc.compiler.layers;

import dev.cnnc.compiler.check.Signature;
import dev.cnnc.compiler.diag.Span;
import dev.cnnc.compiler.model.DataFormat;
import dev.cnnc.compiler.model.Layer;
import dev.cnnc.compiler.model.Shape;
import java.util.List;

/**
 * {@code Flatten(data_format=None)}: the input as one vector. Keras flattens in channels-last order:
 * a {@code channels_first} input is first permuted to {@code (h, w, c)}, so the flat index is always
 * {@code (y * W + x) * C + c}.
 */
public final class Flatten implements Layer {

    public static final LayerKind KIND = new LayerKind("Flatten", List.of(),
            Signature.of("Flatten").optional("data_format").build(), Flatten::build);

    private final String name;
    private final Span span;
    private final Shape input;
    private final DataFormat dataFormat;

    private Flatten(LayerContext ctx, DataFormat dataFormat) {
        this.name = ctx.name();
        this.span = ctx.span();
        this.input = ctx.input();
        this.dataFormat = dataFormat;
    }

    static Layer build(LayerContext ctx) {
        DataFormat format = ctx.args().dataFormat("data_format");
        Shape in = ctx.input();
        if (!ctx.args().ok("data_format") || in == null) {
            return null;
        }
        if (in.rank() < 2) {
            ctx.error("Flatten needs an input of at least 2 dimensions, but its input (" + in + " values) is already flat");
            return null;
        }
        return new Flatten(ctx, format);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String kerasClass() {
        return "Flatten";
    }

    @Override
    public Span span() {
        return span;
    }

    @Override
    public Shape inputShape() {
        return input;
    }

    @Override
    public Shape outputShape() {
        return Shape.of((int) input.size());
    }

    public DataFormat dataFormat() {
        return dataFormat;
    }

    @Override
    public long parameterCount() {
        return 0;
    }

    @Override
    public long multiplyAdds() {
        return 0;
    }
}
