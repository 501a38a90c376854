package dev.cnnc.cli.pictures;

import dev.cnnc.runtime.Parameter;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * The first convolution's kernels as a grid: one tile per filter and input channel (or one RGB tile
 * per filter when the input has three channels), Keras' kernel layout {@code (rows, cols, in,
 * filters)}. Each filter is scaled by its own largest absolute weight, zero in the middle grey:
 * white is the most positive weight, black the most negative, so every filter is readable whatever
 * its magnitude.
 */
public final class Filters {
    private Filters() {}

    /** The first 4-dimensional kernel of the parameters (the first Conv2D's), or null if there is none. */
    public static Parameter firstKernel(List<Parameter> parameters) {
        for (Parameter p : parameters) {
            if (p.shape().length == 4 && p.name().contains("kernel") && !p.name().contains("depthwise")) {
                return p;
            }
        }
        return null;
    }

    public static BufferedImage draw(Parameter kernel) {
        int[] s = kernel.shape();
        int rows = s[0];
        int cols = s[1];
        int in = s[2];
        int filters = s[3];
        float[] w = kernel.values();
        boolean rgb = in == 3;
        List<ImageGrid.Tile> tiles = new ArrayList<>();
        for (int f = 0; f < filters; f++) {
            double max = 1e-12;
            for (int y = 0; y < rows; y++) {
                for (int x = 0; x < cols; x++) {
                    for (int c = 0; c < in; c++) {
                        max = Math.max(max, Math.abs(w[((y * cols + x) * in + c) * filters + f]));
                    }
                }
            }
            for (int c = 0; c < (rgb ? 1 : in); c++) {
                int[] pixels = new int[rows * cols];
                for (int y = 0; y < rows; y++) {
                    for (int x = 0; x < cols; x++) {
                        int base = (y * cols + x) * in;
                        if (rgb) {
                            int r = level(w[(base) * filters + f], max);
                            int g = level(w[(base + 1) * filters + f], max);
                            int b = level(w[(base + 2) * filters + f], max);
                            pixels[y * cols + x] = r << 16 | g << 8 | b;
                        } else {
                            pixels[y * cols + x] = ImageGrid.grey(level(w[(base + c) * filters + f], max));
                        }
                    }
                }
                tiles.add(new ImageGrid.Tile(cols, rows, pixels));
            }
        }
        int perFilter = rgb ? 1 : in;
        int columns = perFilter > 1 ? perFilter * Math.max(1, 8 / perFilter) : 8;
        String caption = kernel.name() + ": " + filters + " filters of " + rows + "x" + cols
                + (rgb ? " (RGB)" : in == 1 ? "" : ", one tile per input channel (" + in + ")")
                + "; white positive, black negative, each filter scaled to its largest weight";
        return ImageGrid.draw(caption, tiles, columns, ImageGrid.scaleFor(Math.max(rows, cols), 48));
    }

    /** -max .. max to 0 .. 255, 0 at 128. */
    static int level(double v, double max) {
        return (int) Math.round(127.5 + 127.5 * v / max);
    }
}
