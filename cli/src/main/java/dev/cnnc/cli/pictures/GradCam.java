package dev.cnnc.cli.pictures;

import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.optim.LossKind;
import dev.cnnc.runtime.train.Probabilities;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * Grad-CAM (Selvaraju et al. 2017) from the generated model's own passes: the forward pass of one
 * input, then the backward pass of the chosen class's score (its logit: the gradient enters below a
 * softmax or sigmoid output); each channel of the last convolution's output is weighted by the mean
 * of its gradient, the weighted sum's positive part is the map, scaled to [0, 1]. cnnc fuses a
 * convolution's activation into it, so the gradients are those of its pre-activation values; where
 * a relu passes (the only places that add to the map) they are the same.
 */
public final class GradCam {
    /** The map of {@code layer} ({@code rows x cols}, values in [0, 1]) for class {@code klass}. */
    public record Cam(String layer, int klass, double probability, int rows, int cols, float[] map) {}

    private GradCam() {}

    /** The last layer with a (rows, cols, channels) output named as a convolution, else the last such layer; -1 if none. */
    public static int lastConvolution(Network model) {
        List<String> names = model.layerNames();
        int any = -1;
        for (int i = names.size() - 1; i >= 0; i--) {
            if (model.layerOutputShape(i).length == 3) {
                if (names.get(i).toLowerCase(Locale.ROOT).contains("conv")) {
                    return i;
                }
                any = any < 0 ? i : any;
            }
        }
        return any;
    }

    /** The probabilities of one input: the outputs, or their softmax (sigmoid) for a model trained from logits. */
    public static float[] probabilities(Network model, float[] outputs) {
        if (!model.trainingConfig().fromLogits()) {
            return outputs.clone();
        }
        float[] p = new float[outputs.length];
        Probabilities.of(outputs, p, 1, outputs.length, model.trainingConfig().loss() == LossKind.BINARY_CROSSENTROPY);
        return p;
    }

    /**
     * The map for {@code input} on {@code model} (batch size 1), for class {@code klass} or, if null,
     * the predicted one.
     *
     * @throws IllegalArgumentException if the model has no layer with a (rows, cols, channels) output
     */
    public static Cam compute(Network model, float[] input, Integer klass) {
        return compute(model, input, klass, lastConvolution(model));
    }

    /** The map of layer {@code layer} (one with a (rows, cols, channels) output). */
    public static Cam compute(Network model, float[] input, Integer klass, int layer) {
        if (layer < 0) {
            throw new IllegalArgumentException(model.name() + " has no layer with a (rows, cols, channels) output");
        }
        float[] p = probabilities(model, model.forward(input, 1));
        int c = klass != null ? klass : argmax(p);
        if (c < 0 || c >= p.length) {
            throw new IllegalArgumentException("class " + c + ": " + model.name() + " has classes 0 to " + (p.length - 1));
        }
        int[] shape = model.layerOutputShape(layer);
        int rows = shape[0];
        int cols = shape[1];
        int channels = shape[2];
        float[] a = java.util.Arrays.copyOf(model.layerOutput(layer), rows * cols * channels);
        float[] seed = new float[model.outputSize()];
        seed[c] = 1f;
        model.zeroGradients();
        model.backwardFromLogits(seed, 1);
        float[] g = model.layerOutputGradient(layer);
        double[] weights = new double[channels];
        for (int px = 0; px < rows * cols; px++) {
            for (int k = 0; k < channels; k++) {
                weights[k] += g[px * channels + k];
            }
        }
        float[] map = new float[rows * cols];
        double max = 0;
        for (int px = 0; px < rows * cols; px++) {
            double s = 0;
            for (int k = 0; k < channels; k++) {
                s += weights[k] / (rows * cols) * a[px * channels + k];
            }
            map[px] = (float) Math.max(0, s);
            max = Math.max(max, map[px]);
        }
        for (int px = 0; px < map.length; px++) {
            map[px] = max > 0 ? (float) (map[px] / max) : 0f;
        }
        model.zeroGradients();
        return new Cam(model.layerNames().get(layer), c, p[c], rows, cols, map);
    }

    private static int argmax(float[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
    }

    /** The map at the input's size (bilinear, cell centres aligned), values in [0, 1]. */
    public static float[] upsample(Cam cam, int rows, int cols) {
        float[] out = new float[rows * cols];
        for (int y = 0; y < rows; y++) {
            double sy = Math.max(0, Math.min(cam.rows() - 1, (y + 0.5) * cam.rows() / rows - 0.5));
            int y0 = (int) Math.floor(sy);
            int y1 = Math.min(cam.rows() - 1, y0 + 1);
            double fy = sy - y0;
            for (int x = 0; x < cols; x++) {
                double sx = Math.max(0, Math.min(cam.cols() - 1, (x + 0.5) * cam.cols() / cols - 0.5));
                int x0 = (int) Math.floor(sx);
                int x1 = Math.min(cam.cols() - 1, x0 + 1);
                double fx = sx - x0;
                double top = cam.map()[y0 * cam.cols() + x0] * (1 - fx) + cam.map()[y0 * cam.cols() + x1] * fx;
                double bottom = cam.map()[y1 * cam.cols() + x0] * (1 - fx) + cam.map()[y1 * cam.cols() + x1] * fx;
                out[y * cols + x] = (float) (top * (1 - fy) + bottom * fy);
            }
        }
        return out;
    }

    /** The heatmap (blue to red, as matplotlib's jet) over the input drawn in grey, half and half. */
    public static BufferedImage overlay(Cam cam, float[] input, int[] shape, String className) {
        int rows = shape[0];
        int cols = shape[1];
        int ch = shape[2];
        float[] heat = upsample(cam, rows, cols);
        int[] rgb = new int[rows * cols];
        for (int p = 0; p < rows * cols; p++) {
            double v = 0;
            for (int c = 0; c < ch; c++) {
                v += input[p * ch + c];
            }
            double grey = Math.max(0, Math.min(1, v / ch));
            int[] j = jet(heat[p]);
            int r = (int) Math.round(0.5 * grey * 255 + 0.5 * j[0]);
            int g = (int) Math.round(0.5 * grey * 255 + 0.5 * j[1]);
            int b = (int) Math.round(0.5 * grey * 255 + 0.5 * j[2]);
            rgb[p] = r << 16 | g << 8 | b;
        }
        String caption = String.format(Locale.ROOT, "Grad-CAM of %s for class %s (p = %.3f)", cam.layer(), className,
                cam.probability());
        return ImageGrid.draw(caption, List.of(new ImageGrid.Tile(cols, rows, rgb)), 1,
                ImageGrid.scaleFor(Math.max(rows, cols), 224));
    }

    /** matplotlib's jet at {@code v} in [0, 1], as 0..255 red, green, blue. */
    static int[] jet(double v) {
        double r = clamp(1.5 - Math.abs(4 * v - 3));
        double g = clamp(1.5 - Math.abs(4 * v - 2));
        double b = clamp(1.5 - Math.abs(4 * v - 1));
        return new int[] {(int) Math.round(255 * r), (int) Math.round(255 * g), (int) Math.round(255 * b)};
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }
}
