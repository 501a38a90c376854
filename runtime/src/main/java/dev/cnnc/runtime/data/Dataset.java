package dev.cnnc.runtime.data;

import dev.cnnc.runtime.Network;
import java.util.Arrays;
import java.util.Objects;

/**
 * Examples to train or evaluate on, of any shape: images of any size and channel count, feature
 * vectors, with class labels or float targets. The trainer only asks a data set to copy a chunk of
 * examples, in a given order, into its own buffers, so any source (IDX files, CSV, image folders,
 * synthetic data) is one implementation of this interface.
 *
 * <p><b>Layout.</b> Each example is stored in the layout of the model's input, as Keras expects
 * {@code x}: {@link #exampleShape()} is what the model's {@code input(...)} must be. Image data is
 * channels-last ({@code {rows, cols, channels}}) by default; a channels-first model takes
 * {@link ImageDataset#channelsFirst()}, a view that transposes while copying. With one channel
 * both layouts are the same bytes, and {@link #checkFits} accepts either.
 *
 * <p><b>Targets.</b> Class targets ({@link TargetKind#CLASSES}) are stored as class indices and
 * copied one-hot, as Keras' categorical losses and cnnc's trainer take them; vector targets are
 * copied as they are.
 *
 * <p>The copy methods allocate nothing, so a training loop can reuse one buffer for every batch.
 * Implementations are immutable; {@link #subset} and {@link #split} return views that share storage.
 */
public interface Dataset {

    /** What the targets are. */
    enum TargetKind {
        /** One class index per example, in {@code 0 .. numClasses-1}; copied as one-hot rows. */
        CLASSES,
        /** Float vectors of {@link #targetShape()}, for regression; no classes. */
        VECTORS
    }

    /** A split into training and validation examples: the first ones and the last ones. */
    record Split(Dataset train, Dataset validation) {
        /** Checks both parts are present. */
        public Split {
            Objects.requireNonNull(train, "train");
            Objects.requireNonNull(validation, "validation");
        }
    }

    /** The number of examples. */
    int count();

    /** The shape of one example in the model's input layout, e.g. {@code {28, 28, 1}}; a copy. */
    int[] exampleShape();

    /** Floats per example: the product of {@link #exampleShape()}. */
    default int exampleSize() {
        return product(exampleShape());
    }

    /** The shape of one example's target as copied by {@link #copyTargets}: {@code {numClasses}} for classes. */
    int[] targetShape();

    /** Floats per target: the product of {@link #targetShape()}. */
    default int targetSize() {
        return product(targetShape());
    }

    /** The number of classes; 0 for {@link TargetKind#VECTORS}. */
    int numClasses();

    /** What the targets are. */
    TargetKind targetKind();

    /**
     * Writes the inputs of examples {@code order[from .. from + n)} into {@code dest[0 .. n * exampleSize())},
     * one after another. Allocates nothing.
     *
     * @throws IndexOutOfBoundsException if the range does not fit {@code order} or an index is not an example
     * @throws IllegalArgumentException if {@code dest} is too small
     */
    void copyInputs(int[] order, int from, int n, float[] dest);

    /**
     * Writes the targets of examples {@code order[from .. from + n)} into {@code dest[0 .. n * targetSize())}:
     * one-hot rows for class targets. Allocates nothing.
     *
     * @throws IndexOutOfBoundsException if the range does not fit {@code order} or an index is not an example
     * @throws IllegalArgumentException if {@code dest} is too small
     */
    void copyTargets(int[] order, int from, int n, float[] dest);

    /**
     * The class of example {@code index}.
     *
     * @throws UnsupportedOperationException for {@link TargetKind#VECTORS}
     */
    int label(int index);

    /**
     * Examples {@code [from, from + n)} as a data set sharing this one's storage.
     *
     * @throws IndexOutOfBoundsException if the range is not inside {@code [0, count())}
     */
    Dataset slice(int from, int n);

    /** A short name for messages: {@code train-images-idx3-ubyte}. */
    String name();

    /** What one example is called in messages: {@code images}, {@code examples}. */
    default String examplesName() {
        return "examples";
    }

    /** For messages: {@code train-images-idx3-ubyte: 60000 images of 28x28, 10 classes}. */
    String describe();

    /**
     * The first {@code n} examples, sharing this data set's storage.
     *
     * @throws IllegalArgumentException if {@code n} is negative or larger than {@link #count()}
     */
    default Dataset subset(int n) {
        if (n < 0 || n > count()) {
            throw new IllegalArgumentException("cannot take the first " + n + " examples of " + name()
                    + ", which holds " + count());
        }
        return slice(0, n);
    }

    /**
     * Splits off the last {@code validationFraction} of the examples as a validation set, like Keras'
     * {@code validation_split}: the split point is {@code floor(count * (1 - validationFraction))}, taken before
     * any shuffling, and both parts share this data set's storage.
     *
     * @param validationFraction the fraction for validation, strictly between 0 and 1
     * @throws IllegalArgumentException if the fraction is out of range or leaves either part empty
     */
    default Split split(double validationFraction) {
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be strictly between 0 and 1, got "
                    + validationFraction);
        }
        int count = count();
        int splitAt = (int) Math.floor(count * (1.0 - validationFraction));
        if (splitAt == 0 || splitAt == count) {
            throw new IllegalArgumentException(name() + " holds " + count + " examples, which is not enough to"
                    + " split off a validation fraction of " + validationFraction + " and keep both parts non-empty;"
                    + " provide more data or a different fraction");
        }
        return new Split(slice(0, splitAt), slice(splitAt, count - splitAt));
    }

    /**
     * Checks that this data fits {@code net}: its examples have the model's input shape (or, with one
     * channel, the same shape channels-first) and its targets the model's output size.
     *
     * @throws DataMismatchException naming both sides, e.g. {@code the data's images are 32x32x3 but the
     *     model's input is (28, 28, 1)} or {@code the data has 10 classes but the model's output has 5 values:
     *     end the model with Dense(10, activation='softmax')}
     */
    default void checkFits(Network net) {
        checkFits(examplesName(), exampleShape(), targetKind(), numClasses(), targetSize(), net);
    }

    /**
     * {@link #checkFits(Network)} for data described by its shapes, so that a source such as MNIST can check a
     * model before loading (or fetching) anything.
     *
     * @throws DataMismatchException naming both sides
     */
    static void checkFits(String examplesName, int[] exampleShape, TargetKind kind, int numClasses, int targetSize,
            Network net) {
        int[] model = net.inputShape();
        if (!sameLayout(exampleShape, model)) {
            throw new DataMismatchException("the data's " + examplesName + " are " + dims(exampleShape)
                    + " but the model's input is " + tuple(model) + layoutHint(exampleShape, model), true);
        }
        int outputs = net.outputSize();
        if (kind == TargetKind.CLASSES && numClasses != outputs) {
            throw new DataMismatchException("the data has " + numClasses + " classes but the model's output has "
                    + outputs + " value" + (outputs == 1 ? "" : "s") + ": end the model with Dense(" + numClasses
                    + ", activation='softmax')", true);
        }
        if (kind == TargetKind.VECTORS && targetSize != outputs) {
            throw new DataMismatchException("the data's targets have " + targetSize
                    + " values but the model's output has " + outputs, true);
        }
    }

    /** {@code 28x28x1}. */
    static String dims(int[] shape) {
        StringBuilder b = new StringBuilder();
        for (int d : shape) {
            b.append(b.length() == 0 ? "" : "x").append(d);
        }
        return b.toString();
    }

    /** {@code (28, 28, 1)}, as the model's {@code input(...)} is written. */
    static String tuple(int[] shape) {
        return Arrays.toString(shape).replace('[', '(').replace(']', ')');
    }

    /** The product of the dimensions. */
    static int product(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return Math.toIntExact(n);
    }

    /**
     * Whether examples of shape {@code data} are, float for float, inputs of shape {@code model}: the same
     * shape, or one channel moved from last to first ({@code {28, 28, 1}} and {@code {1, 28, 28}}).
     */
    private static boolean sameLayout(int[] data, int[] model) {
        if (Arrays.equals(data, model)) {
            return true;
        }
        return data.length == 3 && model.length == 3 && data[2] == 1 && model[0] == 1 && data[0] == model[1]
                && data[1] == model[2];
    }

    private static String layoutHint(int[] data, int[] model) {
        boolean channelsMoved = data.length == 3 && model.length == 3 && data[2] == model[0] && data[0] == model[1]
                && data[1] == model[2];
        return channelsMoved ? " (channels first: give the data channels first too, with ImageDataset.channelsFirst())"
                : "";
    }
}
