package dev.cnnc.compiler.ir;

import dev.cnnc.compiler.diag.Span;

/**
 * {@code ZeroPadding2D} and {@code Cropping2D}: rows and columns of zeros added around a rank-3
 * input, or removed from its borders. Both copy one block of {@link #rows()} x {@link #columns()}
 * cells of every channel between the input and the output.
 *
 * @param top rows added (padding) or removed (cropping) above; likewise {@code bottom}, {@code left}, {@code right}
 */
public record Border2DLayer(String name, Span span, Shape inputShape, Shape outputShape, Kind kind,
        DataFormat dataFormat, int top, int bottom, int left, int right) implements Layer {

    /** Whether the border is added or removed, with the Keras class that does it. */
    public enum Kind {
        ZERO_PADDING("ZeroPadding2D"),
        CROPPING("Cropping2D");

        private final String kerasClass;

        Kind(String kerasClass) {
            this.kerasClass = kerasClass;
        }

        public String kerasClass() {
            return kerasClass;
        }
    }

    @Override
    public String kerasClass() {
        return kind.kerasClass();
    }

    public boolean pads() {
        return kind == Kind.ZERO_PADDING;
    }

    public int channels() {
        return dataFormat.channels(inputShape);
    }

    /** Rows of the block copied: the input's (padding) or the output's (cropping). */
    public int rows() {
        return dataFormat.height(pads() ? inputShape : outputShape);
    }

    public int columns() {
        return dataFormat.width(pads() ? inputShape : outputShape);
    }

    @Override
    public long multiplyAdds() {
        return 0;
    }
}
