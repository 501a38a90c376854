package dev.cnnc.cli.pictures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.compiler.CnnCompiler;
import dev.cnnc.compiler.diag.SourceFile;
import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.Parameter;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Filters and feature maps: where a known weight or signal is, the picture shows it. */
class PicturesTest {
    private static int grey(BufferedImage image, int x, int y) {
        return image.getRGB(x, y) & 0xFF;
    }

    @Test
    void aFilterShowsItsPositiveWeightsWhiteAndItsNegativeOnesBlack() {
        float[] w = new float[3 * 3 * 1 * 2]; // (rows, cols, in, filters)
        w[((0 * 3 + 0) * 1) * 2] = 0.5f;       // filter 0: +0.5 at the top left
        w[((2 * 3 + 2) * 1) * 2] = -0.5f;      // and -0.5 at the bottom right
        w[((1 * 3 + 1) * 1) * 2 + 1] = 0.01f;  // filter 1: a small weight in the middle, scaled to white
        BufferedImage image = Filters.draw(new Parameter("conv2d_1/kernel", new int[] {3, 3, 1, 2}, w, new float[w.length]));
        int scale = ImageGrid.scaleFor(3, 48);
        int y0 = ImageGrid.CAPTION + ImageGrid.GAP;
        int x0 = ImageGrid.GAP;
        int x1 = ImageGrid.GAP + 3 * scale + ImageGrid.GAP;
        assertEquals(255, grey(image, x0 + scale / 2, y0 + scale / 2));
        assertEquals(0, grey(image, x0 + 2 * scale + scale / 2, y0 + 2 * scale + scale / 2));
        assertEquals(128, grey(image, x0 + scale + scale / 2, y0 + scale / 2)); // zero is mid-grey
        assertEquals(255, grey(image, x1 + scale + scale / 2, y0 + scale + scale / 2));
        assertEquals(128, grey(image, x1 + scale / 2, y0 + scale / 2));
    }

    @Test
    void featureMapsComeFromTheModelsOwnForwardPassAndPeakWhereTheSignalIs() {
        CnnCompiler.Checked c = CnnCompiler.check(new SourceFile("Maps.cnn", """
                model Maps
                input(6, 6, 1)
                Conv2D(2, (1, 1), use_bias=False, kernel_initializer='ones', name='conv')
                MaxPooling2D((2, 2), name='pool')
                Flatten()
                Dense(2, activation='softmax')
                """));
        assertTrue(c.ok(), c.diagnostics().render());
        Network net = CnnCompiler.load(c.model(), new CnnCompiler.Options("t", false, false)).create(1, 1L);
        assertEquals(List.of("conv", "pool", "flatten_1", "dense_1"), net.layerNames());
        assertEquals(List.of(0, 1), FeatureMaps.layers(net));
        float[] x = new float[36];
        x[2 * 6 + 4] = 1f; // one bright pixel at row 2, column 4
        Map<String, BufferedImage> maps = FeatureMaps.draw(net, x);
        assertEquals(List.of("conv", "pool"), List.copyOf(maps.keySet()));
        assertArrayEquals(new int[] {6, 6, 2}, net.layerOutputShape(0));
        assertArrayEquals(new int[] {3, 3, 2}, net.layerOutputShape(1));
        float[] conv0 = net.layerOutput(0);
        assertEquals(1f, conv0[(2 * 6 + 4) * 2]);      // the all-ones 1x1 kernel copies the input to both channels
        assertEquals(1f, conv0[(2 * 6 + 4) * 2 + 1]);
        assertEquals(0f, conv0[0]);
        BufferedImage conv = maps.get("conv");
        int scale = ImageGrid.scaleFor(6, 56);
        int y0 = ImageGrid.CAPTION + ImageGrid.GAP;
        assertEquals(255, grey(conv, ImageGrid.GAP + 4 * scale + 1, y0 + 2 * scale + 1));
        assertEquals(0, grey(conv, ImageGrid.GAP + 1, y0 + 1));
        BufferedImage pool = maps.get("pool"); // (3, 3, 2): the peak moves to row 1, column 2
        int ps = ImageGrid.scaleFor(3, 56);
        assertEquals(255, grey(pool, ImageGrid.GAP + 2 * ps + 1, y0 + 1 * ps + 1));
        assertEquals(0, grey(pool, ImageGrid.GAP + 1, y0 + 1));
    }

    @Test
    void theClassActivationMapPeaksWhereTheSignalIs() {
        CnnCompiler.Checked c = CnnCompiler.check(new SourceFile("Cam.cnn", """
                model Cam
                input(8, 8, 1)
                Conv2D(2, (3, 3), padding='same', activation='relu', kernel_initializer='ones', bias_initializer='zeros')
                Flatten()
                Dense(2, activation='softmax', kernel_initializer='ones')
                """));
        assertTrue(c.ok(), c.diagnostics().render());
        Network net = CnnCompiler.load(c.model(), new CnnCompiler.Options("t", false, false)).create(1, 1L);
        float[] x = new float[64];
        x[5 * 8 + 2] = 1f; // a bright pixel at row 5, column 2
        GradCam.Cam cam = GradCam.compute(net, x, null);
        assertEquals("conv2d_1", cam.layer());
        assertEquals(8, cam.rows());
        int peak = 0;
        for (int p = 1; p < cam.map().length; p++) {
            if (cam.map()[p] > cam.map()[peak]) {
                peak = p;
            }
        }
        assertEquals(1f, cam.map()[5 * 8 + 2]);
        assertEquals(0f, cam.map()[0]); // far from the signal the map is zero
        assertEquals(0.5, cam.probability(), 1e-6); // both classes see the same sum
        float[] up = GradCam.upsample(cam, 16, 16);
        assertEquals(1f, Math.max(up[(5 * 2) * 16 + 2 * 2], up[(5 * 2 + 1) * 16 + 2 * 2 + 1]), 0.3f);
        BufferedImage overlay = GradCam.overlay(cam, x, new int[] {8, 8, 1}, "0");
        int scale = ImageGrid.scaleFor(8, 224);
        int rgb = overlay.getRGB(ImageGrid.GAP + 2 * scale + scale / 2, ImageGrid.CAPTION + ImageGrid.GAP + 5 * scale
                + scale / 2);
        assertTrue(((rgb >> 16) & 0xFF) - (rgb & 0xFF) > 50, "the peak is drawn red: " + Integer.toHexString(rgb));
    }
}
