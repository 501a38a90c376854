package dev.cnnc.runtime.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * Examples held as floats in memory, with class labels or float target vectors: feature vectors,
 * already-normalized images, regression data. What a CSV source or a test builds.
 *
 * <p>Inputs are one {@code float[]} of {@code count * exampleSize} values, copied as they are. Immutable;
 * the arrays are shared, not copied, and must not be modified afterwards.
 */
public final class ArrayDataset implements Dataset {
    private final String name;
    private final int[] exampleShape;
    private final int exampleSize;
    private final float[] inputs;
    private final TargetKind kind;
    private final int[] targetShape;
    private final int targetSize;
    private final float[] targets;
    private final int[] labels;
    private final int numClasses;
    private final int first;
    private final int count;

    private ArrayDataset(String name, int[] exampleShape, float[] inputs, TargetKind kind, int[] targetShape,
            float[] targets, int[] labels, int numClasses, int first, int count) {
        this.name = name;
        this.exampleShape = exampleShape;
        this.exampleSize = Dataset.product(exampleShape);
        this.inputs = inputs;
        this.kind = kind;
        this.targetShape = targetShape;
        this.targetSize = Dataset.product(targetShape);
        this.targets = targets;
        this.labels = labels;
        this.numClasses = numClasses;
        this.first = first;
        this.count = count;
    }

    /**
     * Examples with class labels (copied one-hot).
     *
     * @param exampleShape the shape of one input in the model's layout
     * @param inputs {@code labels.length * product(exampleShape)} floats
     * @param labels class indices in {@code 0 .. numClasses-1}
     * @throws IllegalArgumentException if the sizes disagree or a label is out of range
     */
    public static ArrayDataset ofClasses(String name, int[] exampleShape, float[] inputs, int numClasses, int[] labels) {
        Objects.requireNonNull(name, "name");
        checkShape(name, exampleShape, inputs.length, labels.length);
        if (numClasses < 1) {
            throw new IllegalArgumentException(name + ": numClasses must be at least 1, got " + numClasses);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException(name + ": label " + labels[i] + " of example " + i + " is outside 0.."
                        + (numClasses - 1));
            }
        }
        return new ArrayDataset(name, exampleShape.clone(), inputs, TargetKind.CLASSES, new int[] {numClasses}, null,
                labels, numClasses, 0, labels.length);
    }

    /**
     * Examples with float target vectors, for regression ({@link TargetKind#VECTORS}, no classes).
     *
     * @param targets {@code count * product(targetShape)} floats, where {@code count} follows from the inputs
     * @throws IllegalArgumentException if the sizes disagree
     */
    public static ArrayDataset ofVectors(String name, int[] exampleShape, float[] inputs, int[] targetShape,
            float[] targets) {
        Objects.requireNonNull(name, "name");
        int size = Dataset.product(exampleShape);
        if (size < 1 || inputs.length % size != 0) {
            throw new IllegalArgumentException(name + ": " + inputs.length + " input values are not a whole number of "
                    + Dataset.dims(exampleShape) + " examples");
        }
        int count = inputs.length / size;
        if ((long) count * Dataset.product(targetShape) != targets.length) {
            throw new IllegalArgumentException(name + ": " + count + " examples need "
                    + (long) count * Dataset.product(targetShape) + " target values, got " + targets.length);
        }
        return new ArrayDataset(name, exampleShape.clone(), inputs, TargetKind.VECTORS, targetShape.clone(), targets,
                null, 0, 0, count);
    }

    private static void checkShape(String name, int[] shape, int values, int count) {
        for (int d : shape) {
            if (d < 1) {
                throw new IllegalArgumentException(name + ": bad example shape " + Dataset.dims(shape));
            }
        }
        if ((long) count * Dataset.product(shape) != values) {
            throw new IllegalArgumentException(name + ": " + count + " examples of " + Dataset.dims(shape) + " need "
                    + (long) count * Dataset.product(shape) + " input values, got " + values);
        }
    }

    @Override
    public int count() {
        return count;
    }

    @Override
    public int[] exampleShape() {
        return exampleShape.clone();
    }

    @Override
    public int exampleSize() {
        return exampleSize;
    }

    @Override
    public int[] targetShape() {
        return targetShape.clone();
    }

    @Override
    public int targetSize() {
        return targetSize;
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public TargetKind targetKind() {
        return kind;
    }

    @Override
    public void copyInputs(int[] order, int from, int n, float[] dest) {
        check(order, from, n, dest, exampleSize);
        for (int i = 0; i < n; i++) {
            System.arraycopy(inputs, (first + example(order, from + i)) * exampleSize, dest, i * exampleSize,
                    exampleSize);
        }
    }

    @Override
    public void copyTargets(int[] order, int from, int n, float[] dest) {
        check(order, from, n, dest, targetSize);
        if (kind == TargetKind.CLASSES) {
            Arrays.fill(dest, 0, n * targetSize, 0f);
            for (int i = 0; i < n; i++) {
                dest[i * targetSize + labels[first + example(order, from + i)]] = 1f;
            }
        } else {
            for (int i = 0; i < n; i++) {
                System.arraycopy(targets, (first + example(order, from + i)) * targetSize, dest, i * targetSize,
                        targetSize);
            }
        }
    }

    @Override
    public int label(int index) {
        if (kind != TargetKind.CLASSES) {
            throw new UnsupportedOperationException(name + " has vector targets, not classes");
        }
        return labels[first + Objects.checkIndex(index, count)];
    }

    @Override
    public ArrayDataset slice(int from, int n) {
        Objects.checkFromIndexSize(from, n, count);
        return new ArrayDataset(name, exampleShape, inputs, kind, targetShape, targets, labels, numClasses, first + from,
                n);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String describe() {
        return name + ": " + count + " examples of " + Dataset.dims(exampleShape)
                + (kind == TargetKind.CLASSES ? ", " + numClasses + " classes" : ", targets of " + Dataset.dims(targetShape));
    }

    @Override
    public String toString() {
        return describe();
    }

    private void check(int[] order, int from, int n, float[] dest, int perExample) {
        Objects.checkFromIndexSize(from, n, order.length);
        if ((long) n * perExample > dest.length) {
            throw new IllegalArgumentException("batch buffer too small: " + n + " examples need " + (long) n * perExample
                    + " values, the buffer holds " + dest.length);
        }
    }

    private int example(int[] order, int position) {
        int index = order[position];
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("example index " + index + " at position " + position + " is outside 0.."
                    + (count - 1) + " (" + name + ")");
        }
        return index;
    }
}
