package dev.cnnc.compiler.ir;

import dev.cnnc.compiler.diag.Span;

/**
 * {@code Permute(dims)}: the axes of the input reordered; output axis {@code i} is input axis
 * {@code dims[i] - 1} (Keras' dims are 1-based, the batch axis excluded).
 */
public record PermuteLayer(String name, Span span, Shape inputShape, Shape outputShape, int[] dims) implements Layer {

    public PermuteLayer {
        dims = dims.clone();
    }

    @Override
    public int[] dims() {
        return dims.clone();
    }

    @Override
    public String kerasClass() {
        return "Permute";
    }

    @Override
    public long multiplyAdds() {
        return 0;
    }
}
