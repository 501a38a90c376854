package dev.cnnc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.runtime.Rng;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link Augmentation} against Keras' {@code apply_transform} computed by SciPy
 * ({@code augmentation/cases.txt}, written by {@code make_cases.py} beside it), and its random
 * draws against Keras' distributions.
 */
class AugmentationTest {

    private record Case(int rows, int cols, int channels, boolean channelsFirst, double theta, double tx, double ty,
            double shear, double zx, double zy, double intensity, boolean flipH, boolean flipV, String fill,
            double cval, float[] in, float[] out) {}

    private static List<Case> cases() throws IOException {
        List<Case> cases = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                AugmentationTest.class.getResourceAsStream("augmentation/cases.txt"), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String[] h = line.split(" ");
                float[] in = floats(r.readLine(), "in");
                float[] out = floats(r.readLine(), "out");
                cases.add(new Case(Integer.parseInt(h[1]), Integer.parseInt(h[2]), Integer.parseInt(h[3]),
                        h[4].equals("channels_first"), Double.parseDouble(h[5]), Double.parseDouble(h[6]),
                        Double.parseDouble(h[7]), Double.parseDouble(h[8]), Double.parseDouble(h[9]),
                        Double.parseDouble(h[10]), Double.parseDouble(h[11]), Boolean.parseBoolean(h[12].toLowerCase()),
                        Boolean.parseBoolean(h[13].toLowerCase()), h[14], Double.parseDouble(h[15]), in, out));
            }
        }
        return cases;
    }

    private static float[] floats(String line, String tag) {
        String[] parts = line.split(" ");
        assertEquals(tag, parts[0]);
        float[] v = new float[parts.length - 1];
        for (int i = 1; i < parts.length; i++) {
            v[i - 1] = (float) Double.parseDouble(parts[i]);
        }
        return v;
    }

    @Test
    void everyTransformationAndFillModeMatchesKerasComputedBySciPy() throws IOException {
        List<Case> cases = cases();
        assertEquals(60, cases.size());
        Set<String> modes = new HashSet<>();
        for (Case c : cases) {
            Augmentation a = Augmentation.builder().fillMode(Augmentation.FillMode.valueOf(c.fill.toUpperCase(Locale.ROOT)))
                    .cval(c.cval).channelsFirst(c.channelsFirst).build();
            float[] out = new float[c.out.length + 3];
            float[] in = new float[c.in.length + 5];
            System.arraycopy(c.in, 0, in, 5, c.in.length);
            a.transform(in, 5, out, 3, c.rows, c.cols, c.channels, c.theta, c.tx, c.ty, c.shear, c.zx, c.zy,
                    c.intensity, c.flipH, c.flipV);
            for (int i = 0; i < c.out.length; i++) {
                assertEquals(c.out[i], out[3 + i], 2e-6, () -> c + ": value differs from SciPy's");
            }
            modes.add(c.fill);
        }
        assertEquals(Set.of("nearest", "constant", "reflect", "wrap"), modes);
    }

    @Test
    void noTransformationCopiesTheImageExactly() {
        float[] in = random(5 * 4 * 3, 1);
        float[] out = new float[in.length];
        Augmentation.builder().build().apply(in, 0, out, 0, 5, 4, 3, new Rng(3));
        assertArrayEquals(in, out);
        assertTrue(Augmentation.builder().build().isIdentity());
        assertFalse(Augmentation.builder().horizontalFlip(true).build().isIdentity());
    }

    @Test
    void wholePixelShiftsMoveTheImageAndFillTheEdge() {
        int rows = 4;
        int cols = 5;
        float[] in = new float[rows * cols];
        for (int i = 0; i < in.length; i++) {
            in[i] = i;
        }
        float[] out = new float[in.length];
        Augmentation constant = Augmentation.builder().fillMode(Augmentation.FillMode.CONSTANT).cval(-1).build();
        // tx = 1 row: the output's row i is the input's row i + 1; the last row is outside, so cval.
        constant.transform(in, 0, out, 0, rows, cols, 1, 0, 1, 0, 0, 1, 1, 0, false, false);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                assertEquals(i + 1 < rows ? in[(i + 1) * cols + j] : -1, out[i * cols + j], 0);
            }
        }
        Augmentation nearest = Augmentation.builder().build();
        nearest.transform(in, 0, out, 0, rows, cols, 1, 0, 0, -2, 0, 1, 1, 0, false, false);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                assertEquals(in[i * cols + Math.max(0, j - 2)], out[i * cols + j], 0);
            }
        }
    }

    @Test
    void flipsReverseColumnsOrRowsOfEveryChannel() {
        int rows = 3;
        int cols = 4;
        int ch = 2;
        float[] in = random(rows * cols * ch, 5);
        float[] out = new float[in.length];
        Augmentation a = Augmentation.builder().build();
        a.transform(in, 0, out, 0, rows, cols, ch, 0, 0, 0, 0, 1, 1, 0, true, false);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                for (int k = 0; k < ch; k++) {
                    assertEquals(in[(i * cols + cols - 1 - j) * ch + k], out[(i * cols + j) * ch + k], 0);
                }
            }
        }
        a.transform(in, 0, out, 0, rows, cols, ch, 0, 0, 0, 0, 1, 1, 0, false, true);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                for (int k = 0; k < ch; k++) {
                    assertEquals(in[((rows - 1 - i) * cols + j) * ch + k], out[(i * cols + j) * ch + k], 0);
                }
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameImageAndAnotherSeedAnother() {
        Augmentation a = Augmentation.builder().rotationRange(20).widthShiftRange(0.1).zoomRange(0.1).build();
        float[] in = random(28 * 28, 9);
        float[] x = new float[in.length];
        float[] y = new float[in.length];
        float[] z = new float[in.length];
        Rng rng = new Rng(0);
        rng.reset(42);
        a.apply(in, 0, x, 0, 28, 28, 1, rng);
        rng.reset(42);
        a.apply(in, 0, y, 0, 28, 28, 1, rng);
        rng.reset(43);
        a.apply(in, 0, z, 0, 28, 28, 1, rng);
        assertArrayEquals(x, y);
        assertFalse(java.util.Arrays.equals(x, z));
    }

    /** An int shift range n draws 0..n-1 pixels with either sign (Keras: np.random.choice(n) * ±1). */
    @Test
    void anIntShiftRangeDrawsWholePixelsOfEitherSign() {
        Augmentation.Shift s = Augmentation.Shift.pixels(3);
        Set<Double> seen = new HashSet<>();
        Rng rng = new Rng(7);
        for (int i = 0; i < 2000; i++) {
            seen.add(s.draw(rng, 28));
        }
        assertEquals(Set.of(-2.0, -1.0, -0.0, 0.0, 1.0, 2.0), seen);
        // A float below 1 is a fraction of the size; 1 or more is pixels.
        Augmentation.Shift fraction = Augmentation.Shift.uniform(0.25);
        Augmentation.Shift pixels = Augmentation.Shift.uniform(3.0);
        double maxF = 0;
        double maxP = 0;
        for (int i = 0; i < 5000; i++) {
            maxF = Math.max(maxF, Math.abs(fraction.draw(rng, 20)));
            maxP = Math.max(maxP, Math.abs(pixels.draw(rng, 20)));
        }
        assertTrue(maxF > 4.9 && maxF <= 5.0, "0.25 of 20 rows: " + maxF);
        assertTrue(maxP > 2.95 && maxP <= 3.0, "3 pixels: " + maxP);
        Augmentation.Shift list = Augmentation.Shift.choices(0.1, 0.2);
        Set<Double> listed = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            listed.add(Math.rint(list.draw(rng, 10) * 1e9) / 1e9);
        }
        assertEquals(Set.of(-2.0, -1.0, 1.0, 2.0), listed);
    }

    /** A drawn rotation is the one Keras would apply with that angle: the draw's first number picks it. */
    @Test
    void aDrawnRotationIsKerasRotationByTheDrawnAngle() {
        Augmentation a = Augmentation.builder().rotationRange(30).fillMode(Augmentation.FillMode.REFLECT).build();
        float[] in = random(9 * 9, 2);
        float[] drawn = new float[in.length];
        float[] direct = new float[in.length];
        a.apply(in, 0, drawn, 0, 9, 9, 1, new Rng(5));
        double theta = -30 + 60 * new Rng(5).nextDouble();
        a.transform(in, 0, direct, 0, 9, 9, 1, theta, 0, 0, 0, 1, 1, 0, false, false);
        assertArrayEquals(direct, drawn);
        assertFalse(java.util.Arrays.equals(in, drawn));
    }

    @Test
    void badRangesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Augmentation.builder().rotationRange(-1));
        assertThrows(IllegalArgumentException.class, () -> Augmentation.builder().zoomRange(1.2, 0.8));
        assertThrows(IllegalArgumentException.class, () -> Augmentation.Shift.uniform(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Augmentation.Shift.choices());
    }

    private static float[] random(int n, long seed) {
        Rng r = new Rng(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextDouble();
        }
        return v;
    }
}
