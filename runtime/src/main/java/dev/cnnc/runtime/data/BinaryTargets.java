package dev.cnnc.runtime.data;

import java.util.Objects;

/**
 * A two-class data set seen as one float target per example, its class (0 or 1): what
 * {@code binary_crossentropy} with a {@code Dense(1, activation='sigmoid')} output takes, where the one-hot
 * rows a class data set copies would have two values. A view: it shares the data set's storage.
 */
public final class BinaryTargets implements Dataset {
    private final Dataset classes;

    /**
     * @throws IllegalArgumentException if {@code classes} does not have exactly two classes
     */
    public BinaryTargets(Dataset classes) {
        this.classes = Objects.requireNonNull(classes, "classes");
        if (classes.targetKind() != TargetKind.CLASSES || classes.numClasses() != 2) {
            throw new IllegalArgumentException(classes.name() + ": binary targets need two classes, it has "
                    + classes.numClasses());
        }
    }

    @Override
    public int count() {
        return classes.count();
    }

    @Override
    public int[] exampleShape() {
        return classes.exampleShape();
    }

    @Override
    public int exampleSize() {
        return classes.exampleSize();
    }

    @Override
    public int[] targetShape() {
        return new int[] {1};
    }

    @Override
    public int targetSize() {
        return 1;
    }

    @Override
    public int numClasses() {
        return 0;
    }

    @Override
    public TargetKind targetKind() {
        return TargetKind.VECTORS;
    }

    @Override
    public void copyInputs(int[] order, int from, int n, float[] dest) {
        classes.copyInputs(order, from, n, dest);
    }

    /** Writes each example's class, 0 or 1, as one float. Allocates nothing. */
    @Override
    public void copyTargets(int[] order, int from, int n, float[] dest) {
        Objects.checkFromIndexSize(from, n, order.length);
        if (n > dest.length) {
            throw new IllegalArgumentException("batch buffer too small: " + n + " examples need " + n
                    + " values, the buffer holds " + dest.length);
        }
        for (int i = 0; i < n; i++) {
            dest[i] = classes.label(order[from + i]);
        }
    }

    /** The class, 0 or 1, of example {@code index}. */
    @Override
    public int label(int index) {
        return classes.label(index);
    }

    @Override
    public Dataset slice(int from, int n) {
        return new BinaryTargets(classes.slice(from, n));
    }

    @Override
    public String name() {
        return classes.name();
    }

    @Override
    public String examplesName() {
        return classes.examplesName();
    }

    @Override
    public String describe() {
        return classes.describe() + " (binary targets)";
    }
}
