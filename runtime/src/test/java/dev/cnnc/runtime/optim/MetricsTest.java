package dev.cnnc.runtime.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cnnc.runtime.optim.Metrics.Accuracy;
import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void categoricalAccuracyComparesArgmaxes() {
        float[] output = {
            0.1f, 0.7f, 0.2f, // argmax 1
            0.5f, 0.3f, 0.2f, // argmax 0
            0.2f, 0.2f, 0.6f, // argmax 2
        };
        float[] targets = {
            0, 1, 0, // right
            0, 0, 1, // wrong
            0, 0, 1, // right
        };
        assertEquals(2.0, Metrics.categoricalCorrect(output, targets, 0, 3, 3));
        assertEquals(1.0, Metrics.categoricalCorrect(output, targets, 1, 2, 3));
        assertEquals(0.0, Metrics.categoricalCorrect(output, targets, 1, 1, 3));
        assertEquals(0.0, Metrics.categoricalCorrect(output, targets, 3, 0, 3));
    }

    @Test
    void categoricalAccuracyTiesGoToTheFirstMaximum() {
        float[] output = {0.4f, 0.4f, 0.2f, 0.4f, 0.4f, 0.2f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f};
        float[] targets = {1, 0, 0, 0, 1, 0, 0, 0, 1, 0.5f, 0.5f, 0};
        // (0.4, 0.4, 0.2) picks 0: right for target 0, wrong for target 1; (0.25, 0.25, 0.25) picks 0: wrong for
        // target 2, right for the tied target (0.5, 0.5, 0), which also picks 0
        assertEquals(1.0, Metrics.categoricalCorrect(output, targets, 0, 1, 3));
        assertEquals(0.0, Metrics.categoricalCorrect(output, targets, 1, 1, 3));
        assertEquals(0.0, Metrics.categoricalCorrect(output, targets, 2, 1, 3));
        assertEquals(1.0, Metrics.categoricalCorrect(output, targets, 3, 1, 3));
    }

    @Test
    void argmax() {
        float[] x = {9f, 1f, 3f, 3f, 2f};
        assertEquals(0, Metrics.argmax(x, 0, 5));
        assertEquals(1, Metrics.argmax(x, 1, 3)); // 3 at offsets 2 and 3: the first
        assertEquals(0, Metrics.argmax(x, 4, 1));
        assertEquals(2, Metrics.argmax(new float[] {-3f, -2f, -1f}, 0, 3));
    }

    @Test
    void binaryAccuracyIsTheMeanOfRoundedMatches() {
        float[] output = {
            0.9f, 0.2f, 0.6f, 0.4f, // rounds to 1, 0, 1, 0
            0.9f, 0.2f, 0.6f, 0.4f,
        };
        float[] targets = {
            1, 0, 1, 0, // 4 of 4
            1, 1, 0, 0, // 2 of 4
        };
        assertEquals(1.5, Metrics.binaryCorrect(output, targets, 0, 2, 4));
        assertEquals(0.5, Metrics.binaryCorrect(output, targets, 1, 1, 4));
    }

    @Test
    void binaryAccuracyRoundsHalfToEvenLikeTensorFlow() {
        float[] output = {0.5f, 0.5f, 0.50000006f, 0.49999997f, 2.5f, 1.5f, 0.5f, 0.5f};
        float[] targets = {0, 0, 1, 0, 2, 2, 1, 1};
        // round(0.5) = 0: right, right; just above a half rounds up, just below rounds down: right, right
        assertEquals(1.0, Metrics.binaryCorrect(output, targets, 0, 1, 4));
        // round(2.5) = 2, round(1.5) = 2: right, right; round(0.5) = 0 is not 1: wrong, wrong
        assertEquals(0.5, Metrics.binaryCorrect(output, targets, 1, 1, 4));
    }

    @Test
    void binaryAccuracyOfASingleOutput() {
        float[] output = {0.8f, 0.3f, 0.1f};
        float[] targets = {1, 1, 0};
        assertEquals(2.0, Metrics.binaryCorrect(output, targets, 0, 3, 1));
    }

    @Test
    void kerasPicksTheAccuracyFromTheLossAndOutputSize() {
        assertSame(Accuracy.BINARY, Metrics.accuracyFor(LossKind.fromKeras("binary_crossentropy"), 10));
        assertSame(Accuracy.BINARY, Metrics.accuracyFor(LossKind.fromKeras("binary_crossentropy"), 1));
        assertSame(Accuracy.BINARY, Metrics.accuracyFor(LossKind.fromKeras("mse"), 1));
        assertSame(Accuracy.BINARY, Metrics.accuracyFor(LossKind.fromKeras("categorical_crossentropy"), 1));
        assertSame(Accuracy.CATEGORICAL, Metrics.accuracyFor(LossKind.fromKeras("categorical_crossentropy"), 10));
        assertSame(Accuracy.CATEGORICAL, Metrics.accuracyFor(LossKind.fromKeras("sparse_categorical_crossentropy"), 10));
        assertSame(Accuracy.CATEGORICAL, Metrics.accuracyFor(LossKind.fromKeras("mean_squared_error"), 2));
        assertSame(Accuracy.CATEGORICAL, Metrics.accuracyFor(Loss.MEAN_SQUARED_ERROR, 2));
        assertEquals("binary_accuracy", Accuracy.BINARY.kerasName());
        assertEquals("categorical_accuracy", Accuracy.CATEGORICAL.kerasName());
        assertThrows(IllegalArgumentException.class, () -> LossKind.fromKeras("hinge"));
    }

    @Test
    void correctDispatchesByLoss() {
        float[] output = {0.6f, 0.7f, 0.1f, 0.2f};
        float[] targets = {1, 0, 0, 1};
        // categorical: argmax (0.6, 0.7) = 1 vs 0: wrong; argmax (0.1, 0.2) = 1 vs 1: right
        assertEquals(1.0, Metrics.correct(LossKind.fromKeras("categorical_crossentropy"), output, targets, 0, 2, 2));
        // binary: (1, 1) vs (1, 0): half; (0, 0) vs (0, 1): half
        assertEquals(1.0, Metrics.correct(LossKind.fromKeras("binary_crossentropy"), output, targets, 0, 2, 2));
        assertEquals(0.5, Metrics.correct(Loss.BINARY_CROSSENTROPY, output, targets, 0, 1, 2));
        assertEquals(0.0, Metrics.correct(Loss.CATEGORICAL_CROSSENTROPY, output, targets, 0, 1, 2));
    }

    @Test
    void refusesRangesOutsideTheBuffers() {
        float[] x = new float[6];
        assertThrows(IllegalArgumentException.class, () -> Metrics.categoricalCorrect(x, x, 2, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> Metrics.binaryCorrect(x, x, -1, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> Metrics.binaryCorrect(x, new float[4], 0, 3, 2));
        assertThrows(IllegalArgumentException.class, () -> Metrics.categoricalCorrect(x, x, 0, 1, 0));
    }

    @Test
    void correctAllocatesNothing() {
        assumeTrue(OptimFixtures.allocatedBytes(() -> { }) >= 0, "the JVM does not measure allocation");
        float[] output = {0.6f, 0.7f, 0.1f, 0.2f};
        float[] targets = {1, 0, 0, 1};
        OptimFixtures.assertAllocatesNothing(() -> {
            Metrics.correct(LossKind.CATEGORICAL_CROSSENTROPY, output, targets, 0, 2, 2);
            Metrics.correct(LossKind.BINARY_CROSSENTROPY, output, targets, 0, 2, 2);
        });
    }
}
