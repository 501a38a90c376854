package dev.cnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.runtime.Batch;
import dev.cnnc.runtime.Mode;
import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.Rng;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Dropout, SpatialDropout2D, GaussianNoise and GaussianDropout forward passes in both modes: the
 * identity in inference; in training, noise drawn per example from {@code Batch.noiseSeed} as
 * docs/training.md specifies, against a reference written here.
 */
class NoiseLayerTest {

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian() + 0.1f; // never exactly 0
        }
        return x;
    }

    private static Batch training(float[] x, int n, long seed, int epoch, int... ids) {
        Batch b = new Batch(n).set(x, n, Mode.TRAINING).noise(seed, epoch);
        System.arraycopy(ids, 0, b.exampleIds(), 0, ids.length);
        return b;
    }

    @Test
    void dropoutIsTheIdentityInInferenceAndInvertedDropoutInTraining() {
        Network net = InMemoryCompiler.network("input(2, 3, 4)\nDropout(0.3)\n", 5, 1, false);
        float[] x = random(5 * 24, 3);
        assertArrayEquals(x, net.forward(x, 5));
        assertArrayEquals(x, net.forward(Batch.inference(x, 5)));
        float[] y = net.forward(training(x, 5, 9, 2, 10, 11, 12, 13, 14)).clone();
        Batch reference = training(x, 5, 9, 2, 10, 11, 12, 13, 14);
        Rng rng = new Rng(0);
        for (int b = 0; b < 5; b++) {
            rng.reset(reference.noiseSeed(0, b));
            for (int k = 0; k < 24; k++) {
                int j = b * 24 + k;
                float expected = x[j] * (rng.nextDouble() >= 0.3 ? (float) (1 / 0.7) : 0f);
                assertEquals(expected, y[j], "element " + j);
            }
        }
    }

    @Test
    void theMaskDependsOnSeedEpochAndExampleNotOnThePositionInTheBatch() {
        Network net = InMemoryCompiler.network("input(50)\nDense(50)\nDropout(0.5)\n", 4, 1, false);
        float[] x = random(4 * 50, 4);
        float[] two = net.forward(training(x, 2, 9, 0, 3, 7)).clone();
        float[] shifted = new float[4 * 50];
        System.arraycopy(x, 50, shifted, 0, 50); // example 7 first now
        float[] one = net.forward(training(shifted, 1, 9, 0, 7)).clone();
        for (int k = 0; k < 50; k++) {
            assertEquals(two[50 + k], one[k], "example 7, element " + k);
        }
        float[] otherEpoch = net.forward(training(x, 2, 9, 1, 3, 7)).clone();
        float[] otherSeed = net.forward(training(x, 2, 10, 0, 3, 7)).clone();
        assertFalse(java.util.Arrays.equals(two, otherEpoch));
        assertFalse(java.util.Arrays.equals(two, otherSeed));
    }

    @Test
    void theDropFractionIsAboutTheRateAndKeptUnitsAreScaled() {
        for (double rate : new double[] {0.1, 0.25, 0.5, 0.8}) {
            Network net = InMemoryCompiler.network("input(1000)\nDropout(" + rate + ")\n", 16, 1, false);
            float[] x = new float[16 * 1000];
            java.util.Arrays.fill(x, 1f);
            int[] ids = new int[16];
            for (int i = 0; i < 16; i++) {
                ids[i] = 100 + i;
            }
            float[] y = net.forward(training(x, 16, 3, 0, ids));
            int dropped = 0;
            for (float v : y) {
                if (v == 0f) {
                    dropped++;
                } else {
                    assertEquals((float) (1 / (1 - rate)), v);
                }
            }
            // 16,000 Bernoulli draws: the standard deviation of the fraction is at most 0.004
            assertEquals(rate, dropped / 16000.0, 0.02, "rate " + rate);
        }
    }

    @Test
    void theLayerSeedChangesTheMaskReproducibly() {
        float[] x = random(2 * 40, 5);
        float[] a = InMemoryCompiler.network("input(40)\nDropout(0.5, seed=1)\n", 2, 1, false)
                .forward(training(x, 2, 9, 0, 0, 1)).clone();
        float[] b = InMemoryCompiler.network("input(40)\nDropout(0.5, seed=1)\n", 2, 1, false)
                .forward(training(x, 2, 9, 0, 0, 1)).clone();
        float[] c = InMemoryCompiler.network("input(40)\nDropout(0.5, seed=2)\n", 2, 1, false)
                .forward(training(x, 2, 9, 0, 0, 1)).clone();
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c));
    }

    @Test
    void spatialDropoutAndNoiseShapeDropWholeSlices() {
        float[] x = random(8 * 60, 6);
        int[] ids = {0, 1, 2, 3, 4, 5, 6, 7};
        // (h, w, c) = (3, 4, 5): SpatialDropout2D keeps or drops each channel whole
        String[] layers = {"SpatialDropout2D(0.5)", "Dropout(0.5, noise_shape=(None, 1, 1, 5))",
            "SpatialDropout2D(0.5, data_format='channels_first')", "Dropout(0.5, noise_shape=[None, 3, 1, None])"};
        for (String layer : layers) {
            Network net = InMemoryCompiler.network("input(3, 4, 5)\n" + layer + "\n", 8, 1, false);
            float[] y = net.forward(training(x, 8, 1, 0, ids));
            int kept = 0;
            int dropped = 0;
            for (int b = 0; b < 8; b++) {
                for (int h = 0; h < 3; h++) {
                    for (int w = 0; w < 4; w++) {
                        for (int c = 0; c < 5; c++) {
                            int j = ((b * 3 + h) * 4 + w) * 5 + c;
                            // the representative element of the slice this one shares its mask with
                            int rh = layer.contains("channels_first") || layer.contains("3, 1") ? h : 0;
                            int rc = layer.contains("channels_first") ? 0 : c;
                            int r = ((b * 3 + rh) * 4) * 5 + rc;
                            boolean zero = y[j] == 0f;
                            assertEquals(y[r] == 0f, zero, layer + " element " + j);
                            if (zero) {
                                dropped++;
                            } else {
                                kept++;
                                assertEquals(x[j] * 2f, y[j], layer);
                            }
                        }
                    }
                }
            }
            assertTrue(kept > 0 && dropped > 0, layer);
        }
    }

    @Test
    void gaussianNoiseAndGaussianDropoutHaveTheirMomentsInTrainingOnly() {
        float[] x = new float[16 * 2000];
        java.util.Arrays.fill(x, 2f);
        int[] ids = new int[16];
        for (int i = 0; i < 16; i++) {
            ids[i] = i;
        }
        Network noise = InMemoryCompiler.network("input(2000)\nGaussianNoise(0.5)\n", 16, 1, false);
        assertArrayEquals(x, noise.forward(x, 16));
        double[] m = moments(noise.forward(training(x, 16, 1, 0, ids)), 2f, false);
        assertEquals(0, m[0], 0.02);
        assertEquals(0.5, m[1], 0.02);
        Network dropout = InMemoryCompiler.network("input(2000)\nGaussianDropout(0.2)\n", 16, 1, false);
        assertArrayEquals(x, dropout.forward(x, 16));
        m = moments(dropout.forward(training(x, 16, 1, 0, ids)), 2f, true);
        assertEquals(1, m[0], 0.02);
        assertEquals(Math.sqrt(0.2 / 0.8), m[1], 0.02);
    }

    /** Mean and standard deviation of {@code y - x} (or {@code y / x}). */
    private static double[] moments(float[] y, float x, boolean ratio) {
        double sum = 0;
        double squares = 0;
        for (float v : y) {
            double d = ratio ? v / x : v - x;
            sum += d;
            squares += d * d;
        }
        double mean = sum / y.length;
        return new double[] {mean, Math.sqrt(squares / y.length - mean * mean)};
    }

    @Test
    void ratesOfZeroAndOneAreTheIdentity() {
        float[] x = random(3 * 10, 2);
        for (String layer : new String[] {"Dropout(0)", "Dropout(1.0)", "Dropout(1.5)", "GaussianDropout(1)",
            "GaussianNoise(0)"}) {
            Network net = InMemoryCompiler.network("input(10)\n" + layer + "\n", 3, 1, false);
            assertArrayEquals(x, net.forward(training(x, 3, 1, 0, 0, 1, 2)), layer);
        }
    }
}
