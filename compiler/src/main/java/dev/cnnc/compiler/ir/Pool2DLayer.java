package dev.cnnc.compiler.ir;

import dev.cnnc.compiler.diag.Span;

/** A 2-D pooling: each output is the {@link Reduction} of one window of its channel. */
public record Pool2DLayer(String name, Span span, Shape inputShape, Shape outputShape, Reduction reduction,
        Geometry2D geometry) implements Layer {

    /** How a window is reduced to one value, with the Keras class that does it. */
    public enum Reduction {
        /** The maximum; with {@code same}, padded cells never win. */
        MAX("MaxPooling2D"),
        /**
         * The mean; with {@code same}, the divisor is the number of real (not padded) cells of the
         * window, as TensorFlow's {@code avg_pool}.
         */
        AVERAGE("AveragePooling2D");

        private final String kerasClass;

        Reduction(String kerasClass) {
            this.kerasClass = kerasClass;
        }

        public String kerasClass() {
            return kerasClass;
        }

        /** {@code max} or {@code mean}, for comments. */
        public String describe() {
            return this == MAX ? "max" : "mean";
        }
    }

    @Override
    public String kerasClass() {
        return reduction.kerasClass();
    }

    /** Pooling multiplies nothing; its comparisons are not counted. */
    @Override
    public long multiplyAdds() {
        return 0;
    }
}
