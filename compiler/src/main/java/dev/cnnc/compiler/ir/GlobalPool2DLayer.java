package dev.cnnc.compiler.ir;

import dev.cnnc.compiler.diag.Span;
import dev.cnnc.compiler.ir.Pool2DLayer.Reduction;

/**
 * {@code GlobalMaxPooling2D} and {@code GlobalAveragePooling2D}: each channel of a rank-3 input
 * reduced over all its {@code h * w} cells to one value; the output is {@code (channels)}.
 */
public record GlobalPool2DLayer(String name, Span span, Shape inputShape, Shape outputShape, Reduction reduction,
        DataFormat dataFormat) implements Layer {

    @Override
    public String kerasClass() {
        return "Global" + reduction.kerasClass();
    }

    public int height() {
        return dataFormat.height(inputShape);
    }

    public int width() {
        return dataFormat.width(inputShape);
    }

    public int channels() {
        return dataFormat.channels(inputShape);
    }

    @Override
    public long multiplyAdds() {
        return 0;
    }
}
