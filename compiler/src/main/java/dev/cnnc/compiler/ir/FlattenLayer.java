package dev.cnnc.compiler.ir;

import dev.cnnc.compiler.diag.Span;

/**
 * {@code Flatten}: the input as one vector. Keras flattens in channels-last order: a
 * {@code channels_first} input is first permuted to {@code (h, w, c)}, so the flat index is always
 * {@code (y * W + x) * C + c}.
 */
public record FlattenLayer(String name, Span span, Shape inputShape, Shape outputShape, DataFormat dataFormat)
        implements Layer {

    @Override
    public String kerasClass() {
        return "Flatten";
    }

    /** True if the flat order differs from the input's memory order. */
    public boolean permutes() {
        return dataFormat == DataFormat.CHANNELS_FIRST && inputShape.rank() == 3;
    }

    @Override
    public long multiplyAdds() {
        return 0;
    }
}
