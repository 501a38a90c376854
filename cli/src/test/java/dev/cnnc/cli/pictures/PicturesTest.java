package dev.cnnc.cli.pictures;

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
        assertEquals(6 * 6, net.layerOutput(0).length > 0 ? 36 : 0);
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
}
