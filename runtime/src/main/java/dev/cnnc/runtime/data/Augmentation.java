package dev.cnnc.runtime.data;

import dev.cnnc.runtime.Rng;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Random image transformations of training examples, with the names and meaning of Keras'
 * {@code ImageDataGenerator} (keras-preprocessing's {@code get_random_transform} and
 * {@code apply_transform}, as Keras 2.2.4 uses them): a rotation, shifts, a shear and a zoom composed
 * into one affine map about the image's centre and sampled bilinearly (SciPy's
 * {@code ndimage.affine_transform} with {@code order=1}), then a channel shift, then flips.
 *
 * <p>Per example, in this order, the parameters are drawn from the generator given to
 * {@link #apply}: the rotation {@code theta ~ U(-rotation_range, rotation_range)} degrees; the
 * vertical shift {@code tx} from {@code height_shift_range} and the horizontal shift {@code ty} from
 * {@code width_shift_range} (see {@link Shift}); the shear {@code ~ U(-shear_range, shear_range)}
 * degrees; the zooms {@code zx, zy ~ U(zoom_low, zoom_high)}, independently; a horizontal and a
 * vertical flip, each with probability 1/2 if enabled; the channel shift
 * {@code ~ U(-channel_shift_range, channel_shift_range)}. As in Keras, the output pixel at (row, col)
 * takes the input at {@code T · (row, col, 1)} with
 * {@code T = C · R(theta) · S(tx, ty) · Sh(shear) · Z(zx, zy) · C⁻¹}, where {@code C} moves the origin
 * to {@code (rows / 2 + 0.5, cols / 2 + 0.5)} (Keras' centre, half a pixel past the true one),
 * {@code R = [[cos, -sin], [sin, cos]]}, {@code Sh = [[1, -sin], [0, cos]]}, {@code Z = diag(zx, zy)}.
 *
 * <p>Points that fall outside the image are filled by {@link FillMode}, as SciPy does: {@code constant}
 * gives {@code cval} outside {@code [0, rows-1] × [0, cols-1]}; {@code nearest} clamps the point into
 * it; {@code reflect} extends the image by mirroring it about its edges, the edge pixel repeated
 * ({@code d c b a | a b c d | d c b a}); {@code wrap} takes the point modulo {@code rows - 1} and
 * {@code cols - 1} (SciPy's {@code wrap}, whose first and last pixels coincide).
 *
 * <p>Every draw comes from the {@link Rng} the caller resets per example, so an example's
 * transformation depends on its seed only (the trainer derives it from the seed, the epoch and the
 * example's index, as it does for dropout masks): the same on every thread count. {@link #apply}
 * allocates nothing. Immutable; build one with {@link #builder()}.
 */
public final class Augmentation {

    /** How points outside the input are filled; Keras' {@code fill_mode} values. */
    public enum FillMode {
        NEAREST, CONSTANT, REFLECT, WRAP;

        /** The Keras name: {@code nearest}, {@code constant}, {@code reflect}, {@code wrap}. */
        public String keras() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A {@code width_shift_range} or {@code height_shift_range}, with Keras' three forms: a float
     * {@code r} draws {@code U(-r, r)}; an int {@code n} draws one of {@code 0 .. n-1} and a random
     * sign (Keras' {@code np.random.choice(n)}: {@code 2} gives -1, 0 or +1 pixels); a list draws one
     * of its values and a random sign. The shift is a fraction of the image's size if its largest
     * value is below 1, otherwise pixels.
     */
    public static final class Shift {
        static final Shift NONE = new Shift(0, null);

        private final double range;
        private final double[] choices;
        private final boolean fraction;

        private Shift(double range, double[] choices) {
            this.range = range;
            this.choices = choices;
            double max = range;
            if (choices != null) {
                max = Double.NEGATIVE_INFINITY;
                for (double c : choices) {
                    max = Math.max(max, c);
                }
            }
            this.fraction = max < 1;
        }

        /** A float range: {@code U(-range, range)}, a fraction of the size if below 1, else pixels. */
        public static Shift uniform(double range) {
            if (!(range >= 0) || Double.isInfinite(range)) {
                throw new IllegalArgumentException("a shift range must be a finite number >= 0: " + range);
            }
            return range == 0 ? NONE : new Shift(range, null);
        }

        /** An int range {@code n}: one of {@code 0 .. n-1} pixels, either sign. */
        public static Shift pixels(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("a shift range must be >= 0: " + n);
            }
            if (n == 0) {
                return NONE;
            }
            double[] values = new double[n];
            for (int i = 0; i < n; i++) {
                values[i] = i;
            }
            return new Shift(0, values);
        }

        /** A list: one of {@code values}, either sign. */
        public static Shift choices(double... values) {
            if (values.length == 0) {
                throw new IllegalArgumentException("a shift list must not be empty");
            }
            for (double v : values) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("a shift list must hold finite numbers: " + Arrays.toString(values));
                }
            }
            return new Shift(0, values.clone());
        }

        boolean isNone() {
            return choices == null && range == 0;
        }

        double draw(Rng rng, int size) {
            if (isNone()) {
                return 0;
            }
            double t;
            if (choices != null) {
                t = choices[rng.nextInt(choices.length)];
                if (rng.nextDouble() < 0.5) {
                    t = -t;
                }
            } else {
                t = Augmentation.uniform(rng, -range, range);
            }
            return fraction ? t * size : t;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Shift s && Double.compare(range, s.range) == 0 && Arrays.equals(choices, s.choices);
        }

        @Override
        public int hashCode() {
            return 31 * Double.hashCode(range) + Arrays.hashCode(choices);
        }

        /** As Keras takes it: {@code 0.1}, {@code 2} (an int), {@code [0.05, 0.1]}. */
        @Override
        public String toString() {
            if (choices == null) {
                return Double.toString(range);
            }
            boolean pixels = true;
            for (int i = 0; i < choices.length; i++) {
                pixels &= choices[i] == i;
            }
            if (pixels) {
                return Integer.toString(choices.length);
            }
            List<String> values = new ArrayList<>();
            for (double c : choices) {
                values.add(Double.toString(c));
            }
            return "[" + String.join(", ", values) + "]";
        }
    }

    private final double rotationRange;
    private final Shift widthShift;
    private final Shift heightShift;
    private final double shearRange;
    private final double zoomLow;
    private final double zoomHigh;
    private final double channelShiftRange;
    private final boolean horizontalFlip;
    private final boolean verticalFlip;
    private final FillMode fillMode;
    private final float cval;
    private final boolean channelsFirst;

    private Augmentation(Builder b) {
        this.rotationRange = b.rotationRange;
        this.widthShift = b.widthShift;
        this.heightShift = b.heightShift;
        this.shearRange = b.shearRange;
        this.zoomLow = b.zoomLow;
        this.zoomHigh = b.zoomHigh;
        this.channelShiftRange = b.channelShiftRange;
        this.horizontalFlip = b.horizontalFlip;
        this.verticalFlip = b.verticalFlip;
        this.fillMode = b.fillMode;
        this.cval = b.cval;
        this.channelsFirst = b.channelsFirst;
    }

    /** A builder with Keras' defaults: no transformation, {@code fill_mode='nearest'}, {@code cval=0}. */
    public static Builder builder() {
        return new Builder();
    }

    private static double uniform(Rng rng, double low, double high) {
        return low + (high - low) * rng.nextDouble();
    }

    /** Whether the images' channels come first, {@code (channels, rows, cols)}, rather than last. */
    public boolean channelsFirst() {
        return channelsFirst;
    }

    /** The fill mode. */
    public FillMode fillMode() {
        return fillMode;
    }

    /** Whether any example can change at all. */
    public boolean isIdentity() {
        return rotationRange == 0 && widthShift.isNone() && heightShift.isNone() && shearRange == 0 && zoomLow == 1
                && zoomHigh == 1 && channelShiftRange == 0 && !horizontalFlip && !verticalFlip;
    }

    /**
     * Transforms one image of {@code rows × cols × channels} values (in the layout {@link #channelsFirst}
     * says) from {@code in[inOffset ...]} into {@code out[outOffset ...]}, drawing its parameters from
     * {@code rng}. The two ranges must not overlap. Allocates nothing.
     */
    public void apply(float[] in, int inOffset, float[] out, int outOffset, int rows, int cols, int channels,
            Rng rng) {
        double theta = rotationRange != 0 ? uniform(rng, -rotationRange, rotationRange) : 0;
        double tx = heightShift.draw(rng, rows);
        double ty = widthShift.draw(rng, cols);
        double shear = shearRange != 0 ? uniform(rng, -shearRange, shearRange) : 0;
        double zx = 1;
        double zy = 1;
        if (zoomLow != 1 || zoomHigh != 1) {
            zx = uniform(rng, zoomLow, zoomHigh);
            zy = uniform(rng, zoomLow, zoomHigh);
        }
        boolean flipCols = horizontalFlip && rng.nextDouble() < 0.5;
        boolean flipRows = verticalFlip && rng.nextDouble() < 0.5;
        double intensity = channelShiftRange != 0 ? uniform(rng, -channelShiftRange, channelShiftRange) : 0;
        transform(in, inOffset, out, outOffset, rows, cols, channels, theta, tx, ty, shear, zx, zy, intensity,
                flipCols, flipRows);
    }

    /**
     * Keras' {@code apply_transform} with given parameters: the affine map ({@code theta} and
     * {@code shear} in degrees, {@code tx} rows and {@code ty} columns), the channel shift, the flips.
     */
    void transform(float[] in, int inOffset, float[] out, int outOffset, int rows, int cols, int channels,
            double theta, double tx, double ty, double shear, double zx, double zy, double intensity,
            boolean flipCols, boolean flipRows) {
        int rowStride = channelsFirst ? cols : cols * channels;
        int colStride = channelsFirst ? 1 : channels;
        int channelStride = channelsFirst ? rows * cols : 1;
        if (theta == 0 && tx == 0 && ty == 0 && shear == 0 && zx == 1 && zy == 1) {
            System.arraycopy(in, inOffset, out, outOffset, rows * cols * channels);
        } else {
            // M = R(theta) · S(tx, ty) · Sh(shear) · Z(zx, zy), in (row, col) coordinates, as Keras composes it.
            double t = Math.toRadians(theta);
            double s = Math.toRadians(shear);
            double cosT = Math.cos(t);
            double sinT = Math.sin(t);
            // R · S
            double m00 = cosT;
            double m01 = -sinT;
            double m02 = cosT * tx - sinT * ty;
            double m10 = sinT;
            double m11 = cosT;
            double m12 = sinT * tx + cosT * ty;
            // · Sh = [[1, -sin s], [0, cos s]]
            double sinS = Math.sin(s);
            double cosS = Math.cos(s);
            double n01 = -m00 * sinS + m01 * cosS;
            double n11 = -m10 * sinS + m11 * cosS;
            m01 = n01;
            m11 = n11;
            // · Z = diag(zx, zy)
            m00 *= zx;
            m10 *= zx;
            m01 *= zy;
            m11 *= zy;
            // C · M · C⁻¹: the offset becomes o + m·(-o) + m02.
            double oRow = rows / 2.0 + 0.5;
            double oCol = cols / 2.0 + 0.5;
            double offRow = m02 + oRow - m00 * oRow - m01 * oCol;
            double offCol = m12 + oCol - m10 * oRow - m11 * oCol;
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    double r = m00 * i + m01 * j + offRow;
                    double c = m10 * i + m11 * j + offCol;
                    int o = outOffset + i * rowStride + j * colStride;
                    sample(in, inOffset, rows, cols, channels, rowStride, colStride, channelStride, r, c, out, o);
                }
            }
        }
        if (intensity != 0) {
            int size = rows * cols * channels;
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            for (int k = 0; k < size; k++) {
                min = Math.min(min, out[outOffset + k]);
                max = Math.max(max, out[outOffset + k]);
            }
            for (int k = 0; k < size; k++) {
                out[outOffset + k] = (float) Math.min(max, Math.max(min, out[outOffset + k] + intensity));
            }
        }
        if (flipCols) {
            for (int i = 0; i < rows; i++) {
                for (int j = 0, k = cols - 1; j < k; j++, k--) {
                    swap(out, outOffset + i * rowStride + j * colStride, outOffset + i * rowStride + k * colStride,
                            channels, channelStride);
                }
            }
        }
        if (flipRows) {
            for (int i = 0, k = rows - 1; i < k; i++, k--) {
                for (int j = 0; j < cols; j++) {
                    swap(out, outOffset + i * rowStride + j * colStride, outOffset + k * rowStride + j * colStride,
                            channels, channelStride);
                }
            }
        }
    }

    /** Swaps the {@code channels} values of the pixels at {@code a} and {@code b}. */
    private static void swap(float[] v, int a, int b, int channels, int channelStride) {
        for (int ch = 0; ch < channels; ch++) {
            float t = v[a + ch * channelStride];
            v[a + ch * channelStride] = v[b + ch * channelStride];
            v[b + ch * channelStride] = t;
        }
    }

    /** Bilinear sample of every channel at (r, c), outside points filled by the fill mode. */
    private void sample(float[] in, int inOffset, int rows, int cols, int channels, int rowStride, int colStride,
            int channelStride, double r, double c, float[] out, int o) {
        if (r >= 0 && r < rows - 1 && c >= 0 && c < cols - 1) {
            // Inside: all four neighbours are pixels of the image, whatever the fill mode (the common case).
            int r0 = (int) r;
            int c0 = (int) c;
            double wr = r - r0;
            double wc = c - c0;
            int a = inOffset + r0 * rowStride + c0 * colStride;
            double w00 = (1 - wr) * (1 - wc);
            double w01 = (1 - wr) * wc;
            double w10 = wr * (1 - wc);
            double w11 = wr * wc;
            for (int ch = 0; ch < channels; ch++) {
                int k = a + ch * channelStride;
                out[o + ch * channelStride] = (float) (w00 * in[k] + w01 * in[k + colStride] + w10 * in[k + rowStride]
                        + w11 * in[k + rowStride + colStride]);
            }
            return;
        }
        switch (fillMode) {
            case CONSTANT -> {
                if (!(r >= 0 && r <= rows - 1 && c >= 0 && c <= cols - 1)) {
                    for (int ch = 0; ch < channels; ch++) {
                        out[o + ch * channelStride] = cval;
                    }
                    return;
                }
            }
            case NEAREST -> {
                r = Math.min(rows - 1, Math.max(0, r));
                c = Math.min(cols - 1, Math.max(0, c));
            }
            case WRAP -> {
                r = wrap(r, rows);
                c = wrap(c, cols);
            }
            default -> { // REFLECT: the neighbours' indices are mirrored below
            }
        }
        double fr = Math.floor(r);
        double fc = Math.floor(c);
        double wr = r - fr;
        double wc = c - fc;
        int r0 = reflect((long) fr, rows);
        int r1 = reflect((long) fr + 1, rows);
        int c0 = reflect((long) fc, cols);
        int c1 = reflect((long) fc + 1, cols);
        int a = inOffset + r0 * rowStride + c0 * colStride;
        int b = inOffset + r0 * rowStride + c1 * colStride;
        int d = inOffset + r1 * rowStride + c0 * colStride;
        int e = inOffset + r1 * rowStride + c1 * colStride;
        double w00 = (1 - wr) * (1 - wc);
        double w01 = (1 - wr) * wc;
        double w10 = wr * (1 - wc);
        double w11 = wr * wc;
        for (int ch = 0; ch < channels; ch++) {
            int k = ch * channelStride;
            out[o + k] = (float) (w00 * in[a + k] + w01 * in[b + k] + w10 * in[d + k] + w11 * in[e + k]);
        }
    }

    /** SciPy's {@code wrap}: period {@code n - 1}, into {@code [0, n - 1]}. */
    private static double wrap(double x, int n) {
        if (n <= 1) {
            return 0;
        }
        if (x >= 0 && x <= n - 1) {
            return x;
        }
        double period = n - 1;
        double y = x - period * Math.floor(x / period);
        return y;
    }

    /**
     * An index mirrored into {@code [0, n)} about the edges with the edge repeated. Inside the image
     * (and for the other modes, whose points are already inside) it is the index itself, or
     * {@code n - 1} for the weight-0 neighbour past the last pixel.
     */
    private static int reflect(long i, int n) {
        if (i >= 0 && i < n) {
            return (int) i;
        }
        long period = 2L * n;
        long m = Math.floorMod(i, period);
        return (int) (m < n ? m : period - 1 - m);
    }

    /** The arguments that differ from Keras' defaults, as they would be written in {@code augment(...)}. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (rotationRange != 0) {
            parts.add("rotation_range=" + number(rotationRange));
        }
        if (!widthShift.isNone()) {
            parts.add("width_shift_range=" + widthShift);
        }
        if (!heightShift.isNone()) {
            parts.add("height_shift_range=" + heightShift);
        }
        if (shearRange != 0) {
            parts.add("shear_range=" + number(shearRange));
        }
        if (zoomLow != 1 || zoomHigh != 1) {
            parts.add("zoom_range=[" + number(zoomLow) + ", " + number(zoomHigh) + "]");
        }
        if (channelShiftRange != 0) {
            parts.add("channel_shift_range=" + number(channelShiftRange));
        }
        if (horizontalFlip) {
            parts.add("horizontal_flip=True");
        }
        if (verticalFlip) {
            parts.add("vertical_flip=True");
        }
        if (fillMode != FillMode.NEAREST) {
            parts.add("fill_mode='" + fillMode.keras() + "'");
        }
        if (cval != 0) {
            parts.add("cval=" + number(cval));
        }
        if (channelsFirst) {
            parts.add("data_format='channels_first'");
        }
        return parts.isEmpty() ? "nothing" : String.join(", ", parts);
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Augmentation a && Double.compare(rotationRange, a.rotationRange) == 0
                && widthShift.equals(a.widthShift) && heightShift.equals(a.heightShift)
                && Double.compare(shearRange, a.shearRange) == 0 && Double.compare(zoomLow, a.zoomLow) == 0
                && Double.compare(zoomHigh, a.zoomHigh) == 0
                && Double.compare(channelShiftRange, a.channelShiftRange) == 0 && horizontalFlip == a.horizontalFlip
                && verticalFlip == a.verticalFlip && fillMode == a.fillMode && Float.compare(cval, a.cval) == 0
                && channelsFirst == a.channelsFirst;
    }

    @Override
    public int hashCode() {
        return Objects.hash(rotationRange, widthShift, heightShift, shearRange, zoomLow, zoomHigh, channelShiftRange,
                horizontalFlip, verticalFlip, fillMode, cval, channelsFirst);
    }

    @Override
    public String toString() {
        return "Augmentation[rotation_range=" + rotationRange + ", width_shift_range=" + widthShift
                + ", height_shift_range=" + heightShift + ", shear_range=" + shearRange + ", zoom_range=[" + zoomLow
                + ", " + zoomHigh + "], channel_shift_range=" + channelShiftRange + ", horizontal_flip="
                + horizontalFlip + ", vertical_flip=" + verticalFlip + ", fill_mode=" + fillMode.keras() + ", cval="
                + cval + ", channels_first=" + channelsFirst + "]";
    }

    /** Builds an {@link Augmentation}; every setter has the Keras argument's name in camel case. */
    public static final class Builder {
        private double rotationRange;
        private Shift widthShift = Shift.NONE;
        private Shift heightShift = Shift.NONE;
        private double shearRange;
        private double zoomLow = 1;
        private double zoomHigh = 1;
        private double channelShiftRange;
        private boolean horizontalFlip;
        private boolean verticalFlip;
        private FillMode fillMode = FillMode.NEAREST;
        private float cval;
        private boolean channelsFirst;

        private Builder() {
        }

        private static double nonNegative(String name, double v) {
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException(name + " must be a finite number >= 0: " + v);
            }
            return v;
        }

        /** {@code rotation_range}: degrees. */
        public Builder rotationRange(double degrees) {
            rotationRange = nonNegative("rotation_range", degrees);
            return this;
        }

        /** {@code width_shift_range} as a float. */
        public Builder widthShiftRange(double range) {
            return widthShiftRange(Shift.uniform(range));
        }

        /** {@code width_shift_range} in any of Keras' forms. */
        public Builder widthShiftRange(Shift shift) {
            widthShift = Objects.requireNonNull(shift, "shift");
            return this;
        }

        /** {@code height_shift_range} as a float. */
        public Builder heightShiftRange(double range) {
            return heightShiftRange(Shift.uniform(range));
        }

        /** {@code height_shift_range} in any of Keras' forms. */
        public Builder heightShiftRange(Shift shift) {
            heightShift = Objects.requireNonNull(shift, "shift");
            return this;
        }

        /** {@code shear_range}: degrees, counter-clockwise. */
        public Builder shearRange(double degrees) {
            shearRange = nonNegative("shear_range", degrees);
            return this;
        }

        /** {@code zoom_range} as a float {@code z}: {@code [1 - z, 1 + z]}. */
        public Builder zoomRange(double z) {
            nonNegative("zoom_range", z);
            return zoomRange(1 - z, 1 + z);
        }

        /** {@code zoom_range} as {@code [low, high]}. */
        public Builder zoomRange(double low, double high) {
            if (!Double.isFinite(low) || !Double.isFinite(high) || low > high) {
                throw new IllegalArgumentException("zoom_range must be [low, high] with low <= high: [" + low + ", "
                        + high + "]");
            }
            zoomLow = low;
            zoomHigh = high;
            return this;
        }

        /** {@code channel_shift_range}: added to every value of an image, clipped to its range. */
        public Builder channelShiftRange(double range) {
            channelShiftRange = nonNegative("channel_shift_range", range);
            return this;
        }

        /** {@code horizontal_flip}. */
        public Builder horizontalFlip(boolean v) {
            horizontalFlip = v;
            return this;
        }

        /** {@code vertical_flip}. */
        public Builder verticalFlip(boolean v) {
            verticalFlip = v;
            return this;
        }

        /** {@code fill_mode}. */
        public Builder fillMode(FillMode mode) {
            fillMode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** {@code cval}: the fill value of {@link FillMode#CONSTANT}. */
        public Builder cval(double v) {
            cval = (float) v;
            return this;
        }

        /** {@code data_format='channels_first'}: images are {@code (channels, rows, cols)}. */
        public Builder channelsFirst(boolean v) {
            channelsFirst = v;
            return this;
        }

        public Augmentation build() {
            return new Augmentation(this);
        }
    }
}
