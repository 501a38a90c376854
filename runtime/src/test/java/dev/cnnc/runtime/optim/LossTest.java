package dev.cnnc.runtime.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cnnc.runtime.ActivationKind;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LossTest {

    // ---------------------------------------------------------------------------------------------------------
    // Names

    @Test
    void namesAndAliases() {
        assertSame(Loss.CATEGORICAL_CROSSENTROPY, Loss.of(LossKind.fromKeras("categorical_crossentropy")));
        assertSame(Loss.SPARSE_CATEGORICAL_CROSSENTROPY, Loss.of(LossKind.fromKeras("sparse_categorical_crossentropy")));
        assertSame(Loss.BINARY_CROSSENTROPY, Loss.of(LossKind.fromKeras("binary_crossentropy")));
        assertSame(Loss.MEAN_SQUARED_ERROR, Loss.of(LossKind.fromKeras("mean_squared_error")));
        assertSame(Loss.MEAN_SQUARED_ERROR, Loss.of(LossKind.fromKeras("mse")));
        assertEquals("mean_squared_error", Loss.MEAN_SQUARED_ERROR.kerasName());
        for (LossKind kind : LossKind.values()) {
            assertSame(kind, Loss.of(kind).kind());
            assertEquals(kind.keras(), Loss.of(kind).kerasName());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LossKind.fromKeras("crossentropy"));
        assertEquals("unknown loss 'crossentropy' (known: categorical_crossentropy, sparse_categorical_crossentropy, "
                + "binary_crossentropy, mean_squared_error, mse)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LossKind.fromKeras(null));
    }

    @Test
    void fusesWith() {
        assertTrue(Loss.CATEGORICAL_CROSSENTROPY.fusesWith(ActivationKind.SOFTMAX));
        assertTrue(Loss.SPARSE_CATEGORICAL_CROSSENTROPY.fusesWith(ActivationKind.SOFTMAX));
        assertTrue(Loss.BINARY_CROSSENTROPY.fusesWith(ActivationKind.SIGMOID));
        assertFalse(Loss.CATEGORICAL_CROSSENTROPY.fusesWith(ActivationKind.SIGMOID));
        assertFalse(Loss.BINARY_CROSSENTROPY.fusesWith(ActivationKind.SOFTMAX));
        assertFalse(Loss.CATEGORICAL_CROSSENTROPY.fusesWith(ActivationKind.LINEAR));
        assertFalse(Loss.CATEGORICAL_CROSSENTROPY.fusesWith(null));
        for (ActivationKind activation : ActivationKind.values()) {
            assertFalse(Loss.MEAN_SQUARED_ERROR.fusesWith(activation));
        }
    }

    @Test
    void clipBoundsAreTensorFlowsFloat32Values() {
        assertEquals(1.0000000116860974e-7, Loss.EPSILON, 0);
        assertEquals(0.99999988079071044921875, Loss.ONE_MINUS_EPSILON, 0);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Known values

    @Test
    void categoricalCrossentropyOfAConfidentRightAnswer() {
        float[] p = {0.7f, 0.2f, 0.1f};
        float[] t = {1, 0, 0};
        // -log(0.7)
        assertEquals(0.35667494393873245, Loss.CATEGORICAL_CROSSENTROPY.compute(p, t, 0, 1, 3, 1, null, false), 1e-6);
    }

    @Test
    void categoricalCrossentropyNormalizesTheOutputs() {
        float[] p = {1.4f, 0.4f, 0.2f};
        float[] t = {1, 0, 0};
        // 1.4 / (1.4 + 0.4 + 0.2) = 0.7: -log(0.7)
        assertEquals(0.35667494393873245, Loss.CATEGORICAL_CROSSENTROPY.compute(p, t, 0, 1, 3, 1, null, false), 1e-6);
    }

    @Test
    void categoricalCrossentropyWithSoftTargets() {
        float[] p = {0.5f, 0.25f, 0.25f};
        float[] t = {0.5f, 0.5f, 0};
        // -(0.5 log 0.5 + 0.5 log 0.25) = 0.5 * 0.6931471805599453 + 0.5 * 1.3862943611198906
        assertEquals(1.0397207708399179, Loss.CATEGORICAL_CROSSENTROPY.compute(p, t, 0, 1, 3, 1, null, false), 1e-6);
    }

    @Test
    void crossentropyClipsZeroProbabilityAt1eMinus7() {
        float[] p = {0f, 1f, 0f};
        float[] t = {1, 0, 0};
        // -log(1e-7)
        assertEquals(16.11809565095832, Loss.CATEGORICAL_CROSSENTROPY.compute(p, t, 0, 1, 3, 1, null, false), 1e-6);
        assertEquals(16.11809565095832, Loss.SPARSE_CATEGORICAL_CROSSENTROPY.compute(p, t, 0, 1, 3, 1, null, false),
                1e-6);
        float[] q = {0f};
        float[] one = {1};
        assertEquals(16.11809565095832, Loss.BINARY_CROSSENTROPY.compute(q, one, 0, 1, 1, 1, null, false), 1e-6);
    }

    @Test
    void crossentropyOfCertaintyIsNotZero() {
        float[] p = {1f, 0f};
        float[] t = {1, 0};
        // clipped to 1 - 2^-23: -log(1 - 2^-23) = 1.1920929665620916e-7
        assertEquals(1.1920929665620916e-7, Loss.CATEGORICAL_CROSSENTROPY.compute(p, t, 0, 1, 2, 1, null, false), 1e-15);
    }

    @Test
    void sparseCrossentropyClipsBeforeNormalizingLikeKeras() {
        float[] p = {2f, 0.5f};
        float[] t = {0, 1};
        // categorical: 0.5 / 2.5 = 0.2: -log(0.2)
        assertEquals(1.6094379124341003, Loss.CATEGORICAL_CROSSENTROPY.compute(p, t, 0, 1, 2, 1, null, false), 1e-6);
        // sparse: clip(2) = 1 - 2^-23; -log(0.5 / (0.99999988 + 0.5)) = log(2.99999976)
        assertEquals(1.0986122091952468, Loss.SPARSE_CATEGORICAL_CROSSENTROPY.compute(p, t, 0, 1, 2, 1, null, false),
                1e-6);
        // on probabilities both agree
        float[] q = {0.6f, 0.4f};
        assertEquals(Loss.CATEGORICAL_CROSSENTROPY.compute(q, t, 0, 1, 2, 1, null, false),
                Loss.SPARSE_CATEGORICAL_CROSSENTROPY.compute(q, t, 0, 1, 2, 1, null, false), 1e-7);
    }

    @Test
    void binaryCrossentropyIsTheMeanOverTheLastAxis() {
        float[] p = {0.9f, 0.2f};
        float[] t = {1, 0};
        // (-log 0.9 - log 0.8) / 2 = (0.10536051565782628 + 0.2231435513142097) / 2
        assertEquals(0.164252033486018, Loss.BINARY_CROSSENTROPY.compute(p, t, 0, 1, 2, 1, null, false), 1e-6);
        float[] soft = {0.5f};
        // -(0.3 log 0.5 + 0.7 log 0.5) = log 2
        assertEquals(0.6931471805599453, Loss.BINARY_CROSSENTROPY.compute(soft, new float[] {0.3f}, 0, 1, 1, 1, null,
                false), 1e-6);
    }

    @Test
    void meanSquaredErrorIsTheMeanOverTheLastAxis() {
        float[] p = {0.5f, 2.0f};
        float[] t = {1, 0};
        float[] g = new float[2];
        // ((0.5 - 1)^2 + 2^2) / 2 = (0.25 + 4) / 2
        assertEquals(2.125, Loss.MEAN_SQUARED_ERROR.compute(p, t, 0, 1, 2, 4, g, false), 1e-12);
        // 2 (p - t) / (N n) = 2 * (-0.5, 2) / (4 * 2)
        assertArrayEquals(new float[] {-0.125f, 0.5f}, g);
    }

    @Test
    void sumsOverTheGivenExamplesOnly() {
        float[] p = {0.7f, 0.3f, 0.5f, 0.5f, 0.2f, 0.8f};
        float[] t = {1, 0, 0, 1, 0, 1};
        float[] g = new float[6];
        Arrays.fill(g, 42f);
        // examples 1 and 2: -log 0.5 - log 0.8 = 0.6931471805599453 + 0.2231435513142097
        double loss = Loss.CATEGORICAL_CROSSENTROPY.compute(p, t, 1, 2, 2, 2, g, false);
        assertEquals(0.916290731874155, loss, 1e-6);
        assertEquals(42f, g[0]);
        assertEquals(42f, g[1]);
        for (int i = 2; i < 6; i++) {
            assertTrue(g[i] != 42f, "gradient " + i + " written");
        }
        // writing the gradient or not gives the same loss
        assertEquals(loss, Loss.CATEGORICAL_CROSSENTROPY.compute(p, t, 1, 2, 2, 2, null, false), 0);
    }

    @ParameterizedTest
    @EnumSource(Loss.class)
    void refusesRangesOutsideTheBuffers(Loss loss) {
        float[] p = new float[6];
        float[] t = new float[6];
        assertThrows(IllegalArgumentException.class, () -> loss.compute(p, t, 2, 2, 2, 4, null, false));
        assertThrows(IllegalArgumentException.class, () -> loss.compute(p, t, -1, 1, 2, 4, null, false));
        assertThrows(IllegalArgumentException.class, () -> loss.compute(p, t, 0, 1, 0, 4, null, false));
        assertThrows(IllegalArgumentException.class, () -> loss.compute(p, t, 0, 1, 2, 0, null, false));
        assertThrows(IllegalArgumentException.class, () -> loss.compute(p, t, 0, 3, 2, 4, new float[4], false));
        assertThrows(IllegalArgumentException.class, () -> loss.compute(p, new float[5], 0, 3, 2, 4, null, false));
    }

    @Test
    void meanSquaredErrorHasNoLogitGradient() {
        float[] p = {0.5f};
        assertThrows(IllegalArgumentException.class,
                () -> Loss.MEAN_SQUARED_ERROR.compute(p, p, 0, 1, 1, 1, new float[1], true));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Gradients with respect to the outputs, against central finite differences of compute()

    /** Two examples of 4 outputs, none of them clipped; the categorical ones do not sum to 1. */
    private static final float[] OUTPUTS = {0.3f, 0.1f, 0.45f, 0.35f, 0.05f, 0.6f, 0.2f, 0.15f};

    private static final float[] ONE_HOT = {0, 0, 1, 0, 1, 0, 0, 0};

    private static final float[] SOFT = {0.1f, 0.2f, 0.3f, 0.4f, 0.25f, 0f, 0.75f, 0f};

    private static final float[] BINARY_TARGETS = {1, 0, 0, 1, 0.2f, 0.9f, 1, 0};

    @ParameterizedTest
    @EnumSource(Loss.class)
    void outputGradientMatchesFiniteDifferencesWithOneHotTargets(Loss loss) {
        assertGradientMatchesFiniteDifferences(loss, OUTPUTS, ONE_HOT, 3);
    }

    @ParameterizedTest
    @EnumSource(Loss.class)
    void outputGradientMatchesFiniteDifferencesWithSoftTargets(Loss loss) {
        assertGradientMatchesFiniteDifferences(loss, OUTPUTS, loss == Loss.BINARY_CROSSENTROPY ? BINARY_TARGETS : SOFT,
                5);
    }

    @Test
    void categoricalGradientIncludesTheNormalization() {
        // Without the normalization term the gradient of a zero target would be 0.
        float[] g = new float[8];
        Loss.CATEGORICAL_CROSSENTROPY.compute(OUTPUTS, ONE_HOT, 0, 2, 4, 2, g, false);
        // example 0: sum = 1.2, T_in = 1: (1 / 1.2) / 2
        assertEquals(1 / 1.2 / 2, g[0], 1e-6);
        // the target: (1 / 1.2 - 1 / 0.45) / 2
        assertEquals((1 / 1.2 - 1 / 0.45) / 2, g[2], 1e-6);
    }

    private static void assertGradientMatchesFiniteDifferences(Loss loss, float[] outputs, float[] targets,
            int batchTotal) {
        int n = 4;
        float[] analytic = new float[outputs.length];
        loss.compute(outputs, targets, 0, 2, n, batchTotal, analytic, false);
        float[] o = outputs.clone();
        for (int i = 0; i < o.length; i++) {
            float original = o[i];
            float plus = original + 1e-4f;
            float minus = original - 1e-4f;
            o[i] = plus;
            double up = loss.compute(o, targets, 0, 2, n, batchTotal, null, false);
            o[i] = minus;
            double down = loss.compute(o, targets, 0, 2, n, batchTotal, null, false);
            o[i] = original;
            double numeric = (up - down) / ((double) plus - minus) / batchTotal;
            assertEquals(numeric, analytic[i], 1e-4 * Math.abs(numeric) + 1e-6, loss + " d/do[" + i + "]");
        }
    }

    @Test
    void clippedOutputsHaveZeroGradient() {
        float[] g = new float[3];
        // categorical: q = (0, 0.5, 0.5), the target's q is clipped: nothing passes
        Loss.CATEGORICAL_CROSSENTROPY.compute(new float[] {0f, 0.5f, 0.5f}, new float[] {1, 0, 0}, 0, 1, 3, 1, g, false);
        assertArrayEquals(new float[3], g);
        // sparse: c = (1e-7, 0.5, 0.5); o_0 = 0 is clipped, the others get T / sum(c)
        Loss.SPARSE_CATEGORICAL_CROSSENTROPY.compute(new float[] {0f, 0.5f, 0.5f}, new float[] {1, 0, 0}, 0, 1, 3, 1, g,
                false);
        assertEquals(0f, g[0]);
        assertEquals(1 / (1 + 1e-7), g[1], 1e-6);
        // binary: p = 0 and p = 1 are clipped
        float[] b = new float[2];
        Loss.BINARY_CROSSENTROPY.compute(new float[] {0f, 1f}, new float[] {1, 0}, 0, 1, 2, 1, b, false);
        assertArrayEquals(new float[2], b);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Fused gradients with respect to the logits

    private static final float[] LOGITS = {1.0f, -0.5f, 2.0f, 0.25f, -1.0f, 0.5f, 0.0f, 3.0f};

    private static float[] softmax(float[] z, int n) {
        float[] p = new float[z.length];
        for (int base = 0; base < z.length; base += n) {
            double sum = 0;
            for (int j = 0; j < n; j++) {
                sum += Math.exp(z[base + j]);
            }
            for (int j = 0; j < n; j++) {
                p[base + j] = (float) (Math.exp(z[base + j]) / sum);
            }
        }
        return p;
    }

    private static float[] sigmoid(float[] z) {
        float[] p = new float[z.length];
        for (int i = 0; i < z.length; i++) {
            p[i] = (float) (1 / (1 + Math.exp(-z[i])));
        }
        return p;
    }

    @Test
    void softmaxFusedGradientIsPMinusTOverN() {
        float[] p = softmax(LOGITS, 4);
        float[] g = new float[8];
        Loss.CATEGORICAL_CROSSENTROPY.compute(p, ONE_HOT, 0, 2, 4, 5, g, true);
        for (int i = 0; i < 8; i++) {
            assertEquals((float) (((double) p[i] - ONE_HOT[i]) / 5), g[i], 0, "index " + i);
        }
        float[] sparse = new float[8];
        Loss.SPARSE_CATEGORICAL_CROSSENTROPY.compute(p, ONE_HOT, 0, 2, 4, 5, sparse, true);
        assertArrayEquals(g, sparse);
    }

    @ParameterizedTest
    @EnumSource(value = Loss.class, names = {"CATEGORICAL_CROSSENTROPY", "SPARSE_CATEGORICAL_CROSSENTROPY"})
    void softmaxFusedGradientIsTheChainRuleOfTheOutputGradient(Loss loss) {
        for (float[] targets : new float[][] {ONE_HOT, SOFT}) {
            float[] p = softmax(LOGITS, 4);
            float[] dp = new float[8];
            float[] fused = new float[8];
            loss.compute(p, targets, 0, 2, 4, 3, dp, false);
            loss.compute(p, targets, 0, 2, 4, 3, fused, true);
            for (int base = 0; base < 8; base += 4) {
                // softmax Jacobian: dz_i = p_i (dp_i - sum_j p_j dp_j)
                double dot = 0;
                for (int j = 0; j < 4; j++) {
                    dot += (double) p[base + j] * dp[base + j];
                }
                for (int i = 0; i < 4; i++) {
                    double chain = p[base + i] * (dp[base + i] - dot);
                    assertEquals(chain, fused[base + i], 2e-6, loss + " dz[" + (base + i) + "]");
                }
            }
        }
    }

    @Test
    void softmaxFusedGradientMatchesFiniteDifferencesInTheLogits() {
        float[] dz = new float[8];
        Loss.CATEGORICAL_CROSSENTROPY.compute(softmax(LOGITS, 4), SOFT, 0, 2, 4, 2, dz, true);
        float[] z = LOGITS.clone();
        for (int i = 0; i < z.length; i++) {
            float original = z[i];
            z[i] = original + 1e-2f;
            double up = Loss.CATEGORICAL_CROSSENTROPY.compute(softmax(z, 4), SOFT, 0, 2, 4, 2, null, false);
            z[i] = original - 1e-2f;
            double down = Loss.CATEGORICAL_CROSSENTROPY.compute(softmax(z, 4), SOFT, 0, 2, 4, 2, null, false);
            z[i] = original;
            double numeric = (up - down) / ((double) (original + 1e-2f) - (original - 1e-2f)) / 2;
            assertEquals(numeric, dz[i], 1e-4, "dz[" + i + "]");
        }
    }

    @Test
    void sigmoidFusedGradientIsTheChainRuleOfTheOutputGradient() {
        float[] p = sigmoid(LOGITS);
        float[] dp = new float[8];
        float[] fused = new float[8];
        Loss.BINARY_CROSSENTROPY.compute(p, BINARY_TARGETS, 0, 2, 4, 3, dp, false);
        Loss.BINARY_CROSSENTROPY.compute(p, BINARY_TARGETS, 0, 2, 4, 3, fused, true);
        for (int i = 0; i < 8; i++) {
            // (p - t) / (N n), and dp * p (1 - p)
            assertEquals((float) (((double) p[i] - BINARY_TARGETS[i]) / 12), fused[i], 0, "index " + i);
            assertEquals(dp[i] * (double) p[i] * (1 - p[i]), fused[i], 1e-6, "chain rule " + i);
        }
    }

    @Test
    void fusedAndOutputLossesAreTheSame() {
        float[] p = softmax(LOGITS, 4);
        float[] g = new float[8];
        assertEquals(Loss.CATEGORICAL_CROSSENTROPY.compute(p, ONE_HOT, 0, 2, 4, 2, g, false),
                Loss.CATEGORICAL_CROSSENTROPY.compute(p, ONE_HOT, 0, 2, 4, 2, g, true), 0);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Hot path

    @ParameterizedTest
    @EnumSource(Loss.class)
    void computeAllocatesNothing(Loss loss) {
        assumeTrue(OptimFixtures.allocatedBytes(() -> { }) >= 0, "the JVM does not measure allocation");
        float[] g = new float[8];
        boolean logits = loss != Loss.MEAN_SQUARED_ERROR;
        float[] p = loss == Loss.BINARY_CROSSENTROPY ? sigmoid(LOGITS) : softmax(LOGITS, 4);
        OptimFixtures.assertAllocatesNothing(() -> {
            loss.compute(p, ONE_HOT, 0, 2, 4, 2, g, false);
            loss.compute(p, ONE_HOT, 0, 2, 4, 2, g, logits);
        });
        OptimFixtures.assertAllocatesNothing(() -> Loss.of(loss.kind()));
    }

    @Test
    void sameInputsGiveBitIdenticalResults() {
        float[] p = softmax(LOGITS, 4);
        float[] g1 = new float[8];
        float[] g2 = new float[8];
        double a = Loss.CATEGORICAL_CROSSENTROPY.compute(p, SOFT, 0, 2, 4, 2, g1, false);
        double b = Loss.CATEGORICAL_CROSSENTROPY.compute(p.clone(), SOFT.clone(), 0, 2, 4, 2, g2, false);
        assertEquals(Double.doubleToRawLongBits(a), Double.doubleToRawLongBits(b));
        assertArrayEquals(g1, g2);
    }
}
