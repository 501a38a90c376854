package dev.cnnc.compiler.ir;

import dev.cnnc.compiler.diag.Span;
import java.util.List;

/**
 * What {@code augment(...)} (or a pasted {@code ImageDataGenerator(...)}) says: random
 * transformations of the training images, with Keras' names. The runtime's
 * {@code dev.cnnc.runtime.data.Augmentation} applies them.
 *
 * @param zoomLow the zoom range's lower end ({@code 1 - zoom_range} for a float)
 * @param fillMode one of {@code nearest}, {@code constant}, {@code reflect}, {@code wrap}
 */
public record Augment(Span span, double rotationRange, Shift widthShift, Shift heightShift, double shearRange,
        double zoomLow, double zoomHigh, double channelShiftRange, boolean horizontalFlip, boolean verticalFlip,
        String fillMode, double cval, DataFormat dataFormat) {

    public Augment {
        widthShift = widthShift == null ? Shift.NONE : widthShift;
        heightShift = heightShift == null ? Shift.NONE : heightShift;
    }

    /**
     * A {@code width_shift_range} or {@code height_shift_range} in one of Keras' forms: a float
     * ({@link Form#UNIFORM}, {@code range}), an int ({@link Form#PIXELS}, {@code range} = n) or a list
     * ({@link Form#LIST}, {@code values}).
     */
    public record Shift(Form form, double range, List<Double> values) {
        public static final Shift NONE = new Shift(Form.UNIFORM, 0, List.of());

        public enum Form { UNIFORM, PIXELS, LIST }

        public Shift {
            values = List.copyOf(values);
        }

        public boolean isNone() {
            return form != Form.LIST && range == 0;
        }
    }

    /** Whether no example can change. */
    public boolean isIdentity() {
        return rotationRange == 0 && widthShift.isNone() && heightShift.isNone() && shearRange == 0 && zoomLow == 1
                && zoomHigh == 1 && channelShiftRange == 0 && !horizontalFlip && !verticalFlip;
    }
}
