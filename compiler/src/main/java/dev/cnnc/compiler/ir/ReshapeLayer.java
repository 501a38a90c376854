package dev.cnnc.compiler.ir;

import dev.cnnc.compiler.diag.Span;

/**
 * {@code Reshape}: the same values in the same (C) order under another shape. Every tensor of cnnc
 * is stored in its Keras shape's C order, so the reshape is a copy.
 */
public record ReshapeLayer(String name, Span span, Shape inputShape, Shape outputShape) implements Layer {

    @Override
    public String kerasClass() {
        return "Reshape";
    }

    @Override
    public long multiplyAdds() {
        return 0;
    }
}
