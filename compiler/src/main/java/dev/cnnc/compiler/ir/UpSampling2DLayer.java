package dev.cnnc.compiler.ir;

import dev.cnnc.compiler.diag.Span;

/**
 * {@code UpSampling2D}: each axis of a rank-3 input scaled by an integer factor, by TensorFlow 1's
 * {@code resize_nearest_neighbor} or {@code resize_bilinear} (align_corners=False, no half-pixel
 * offset: the source coordinate of output row {@code y} is {@code y * in / out}, in float).
 */
public record UpSampling2DLayer(String name, Span span, Shape inputShape, Shape outputShape, int sizeHeight,
        int sizeWidth, Interpolation interpolation, DataFormat dataFormat) implements Layer {

    /** Keras' {@code interpolation} values. */
    public enum Interpolation {
        NEAREST, BILINEAR;

        public String keras() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    @Override
    public String kerasClass() {
        return "UpSampling2D";
    }

    public int inHeight() {
        return dataFormat.height(inputShape);
    }

    public int inWidth() {
        return dataFormat.width(inputShape);
    }

    public int channels() {
        return dataFormat.channels(inputShape);
    }

    @Override
    public long multiplyAdds() {
        return interpolation == Interpolation.BILINEAR ? 3 * outputShape.size() : 0;
    }
}
