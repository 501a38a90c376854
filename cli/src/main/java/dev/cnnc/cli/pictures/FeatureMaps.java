package dev.cnnc.cli.pictures;

import dev.cnnc.runtime.Network;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What each convolution and pooling layer makes of one input, from the generated model's own
 * forward pass: one grid per layer, one tile per channel, as in Deep Learning with Python's 5.4.
 * Each channel is scaled by its own range (black its lowest value, white its highest); a channel
 * that is constant (a dead filter) is drawn black.
 */
public final class FeatureMaps {
    private FeatureMaps() {}

    /** The layers drawn: those with a (rows, cols, channels) output whose name says convolution or pooling. */
    public static List<Integer> layers(Network model) {
        List<Integer> all = new ArrayList<>();
        List<Integer> named = new ArrayList<>();
        List<String> names = model.layerNames();
        for (int i = 0; i < names.size(); i++) {
            if (model.layerOutputShape(i).length == 3) {
                all.add(i);
                String n = names.get(i).toLowerCase(Locale.ROOT);
                if (n.contains("conv") || n.contains("pool")) {
                    named.add(i);
                }
            }
        }
        return named.isEmpty() ? all : named;
    }

    /**
     * Runs {@code model} (a replica of batch size 1) on {@code input} and draws each layer of
     * {@link #layers}, keyed by layer name; channels-last layouts, as the model's layers have.
     */
    public static Map<String, BufferedImage> draw(Network model, float[] input) {
        return draw(model, input, -1);
    }

    /** The same, for layer {@code only} alone (or every layer of {@link #layers} when it is -1). */
    public static Map<String, BufferedImage> draw(Network model, float[] input, int only) {
        model.forward(input, 1);
        Map<String, BufferedImage> out = new LinkedHashMap<>();
        for (int layer : only >= 0 ? List.of(only) : layers(model)) {
            int[] shape = model.layerOutputShape(layer);
            float[] values = model.layerOutput(layer);
            int rows = shape[0];
            int cols = shape[1];
            int channels = shape[2];
            List<ImageGrid.Tile> tiles = new ArrayList<>();
            for (int c = 0; c < channels; c++) {
                float min = Float.POSITIVE_INFINITY;
                float max = Float.NEGATIVE_INFINITY;
                for (int p = 0; p < rows * cols; p++) {
                    float v = values[p * channels + c];
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
                int[] rgb = new int[rows * cols];
                for (int p = 0; p < rows * cols; p++) {
                    float v = values[p * channels + c];
                    rgb[p] = ImageGrid.grey(max > min ? Math.round(255 * (v - min) / (max - min)) : 0);
                }
                tiles.add(new ImageGrid.Tile(cols, rows, rgb));
            }
            String name = model.layerNames().get(layer);
            String caption = name + " (" + rows + ", " + cols + ", " + channels + ")";
            out.put(name, ImageGrid.draw(caption, tiles, 16, ImageGrid.scaleFor(Math.max(rows, cols), 56)));
        }
        return out;
    }

    /** The input as a picture (grey, or RGB for three channels), channels-last. */
    public static BufferedImage input(float[] x, int[] shape) {
        int rows = shape[0];
        int cols = shape[1];
        int ch = shape[2];
        int[] rgb = new int[rows * cols];
        for (int p = 0; p < rows * cols; p++) {
            if (ch == 3) {
                int r = level(x[p * 3]);
                int g = level(x[p * 3 + 1]);
                int b = level(x[p * 3 + 2]);
                rgb[p] = r << 16 | g << 8 | b;
            } else {
                rgb[p] = ImageGrid.grey(level(x[p * ch]));
            }
        }
        return ImageGrid.draw("input (" + rows + ", " + cols + ", " + ch + ")", List.of(new ImageGrid.Tile(cols, rows, rgb)),
                1, ImageGrid.scaleFor(Math.max(rows, cols), 168));
    }

    private static int level(float v) {
        return Math.round(255 * Math.max(0, Math.min(1, v)));
    }
}
