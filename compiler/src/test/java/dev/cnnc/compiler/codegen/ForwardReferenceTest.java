package dev.cnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cnnc.runtime.Network;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Generated forward passes against naive reference loops written here from Keras' definitions:
 * TensorFlow's {@code same} padding (extra row and column at the bottom and right), dilation,
 * strides, both data formats, and Flatten's channels-last order.
 */
class ForwardReferenceTest {

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    /** TensorFlow's padding before the input for {@code same}: half the total, rounded down. */
    private static int padBefore(boolean same, int n, int k, int s, int d) {
        if (!same) {
            return 0;
        }
        int out = (n + s - 1) / s;
        int total = Math.max(0, (out - 1) * s + d * (k - 1) + 1 - n);
        return total / 2;
    }

    private static int outLength(boolean same, int n, int k, int s, int d) {
        return same ? (n + s - 1) / s : (n - d * (k - 1) - 1) / s + 1;
    }

    @ParameterizedTest(name = "{0}x{1}x{2} kernel {3}x{4} filters {5} strides {6} dilation {7} {8} {9}")
    @CsvSource({
        "7, 9, 2, 3, 2, 3, 1, 1, valid, channels_last",
        "7, 9, 2, 3, 3, 3, 2, 1, same, channels_last",
        "8, 8, 1, 4, 4, 2, 2, 1, same, channels_last",
        "9, 7, 3, 3, 3, 2, 1, 2, same, channels_last",
        "9, 7, 3, 3, 3, 2, 1, 2, valid, channels_first",
        "6, 5, 2, 2, 3, 4, 3, 1, same, channels_first",
        "10, 10, 1, 7, 6, 2, 1, 1, same, channels_last",
        "9, 8, 3, 6, 5, 4, 1, 1, same, channels_last",
        "9, 8, 3, 6, 5, 4, 2, 1, valid, channels_first",
        "13, 13, 32, 3, 3, 64, 1, 1, valid, channels_last",
        "9, 11, 5, 3, 3, 40, 2, 1, same, channels_last",
        // few products per output (under VectorKernels.SHORT_WINDOW): the vector forward pass's blocks within rows
        "28, 28, 1, 3, 3, 32, 1, 1, valid, channels_last",
        "30, 17, 3, 3, 3, 80, 1, 2, same, channels_last",
        "12, 23, 2, 5, 5, 37, 2, 1, valid, channels_last",
    })
    void conv2d(int h, int w, int c, int kh, int kw, int filters, int s, int d, String padding, String format) {
        boolean last = format.equals("channels_last");
        boolean same = padding.equals("same");
        for (boolean vector : new boolean[] {false, true}) {
            conv2d(h, w, c, kh, kw, filters, s, d, same, last, vector);
        }
    }

    private static void conv2d(int h, int w, int c, int kh, int kw, int filters, int s, int d, boolean same, boolean last,
            boolean vector) {
        Network net = InMemoryCompiler.network((last ? "input(" + h + ", " + w + ", " + c + ")"
                : "input(" + c + ", " + h + ", " + w + ")") + "\nConv2D(" + filters + ", (" + kh + ", " + kw + "), strides="
                + s + ", dilation_rate=" + d + ", padding='" + (same ? "same" : "valid") + "', data_format='"
                + (last ? "channels_last" : "channels_first") + "', bias_initializer=RandomNormal())\n", 2, 5, false, vector);
        float[] kernel = net.parameters().get(0).values();
        float[] bias = net.parameters().get(1).values();
        int oh = outLength(same, h, kh, s, d);
        int ow = outLength(same, w, kw, s, d);
        int top = padBefore(same, h, kh, s, d);
        int left = padBefore(same, w, kw, s, d);
        float[] x = random(2 * h * w * c, 3);
        float[] expected = new float[2 * oh * ow * filters];
        for (int b = 0; b < 2; b++) {
            for (int f = 0; f < filters; f++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double sum = bias[f];
                        for (int ky = 0; ky < kh; ky++) {
                            for (int kx = 0; kx < kw; kx++) {
                                int iy = oy * s - top + ky * d;
                                int ix = ox * s - left + kx * d;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                    continue; // zero padding
                                }
                                for (int ch = 0; ch < c; ch++) {
                                    int xi = last ? ((b * h + iy) * w + ix) * c + ch : ((b * c + ch) * h + iy) * w + ix;
                                    sum += x[xi] * kernel[((ky * kw + kx) * c + ch) * filters + f];
                                }
                            }
                        }
                        int yi = last ? ((b * oh + oy) * ow + ox) * filters + f : ((b * filters + f) * oh + oy) * ow + ox;
                        expected[yi] = (float) sum;
                    }
                }
            }
        }
        assertArrayEquals(expected, net.forward(x, 2), 1e-4f);
    }

    @ParameterizedTest(name = "{0}x{1} pool {2}x{3} strides {4}x{5} {6} {7}")
    @CsvSource({
        "11, 11, 2, 2, 2, 2, valid, channels_last",
        "11, 11, 2, 2, 2, 2, same, channels_last",
        "7, 9, 3, 2, 1, 2, same, channels_last",
        "9, 9, 3, 3, 2, 2, same, channels_first",
        "6, 7, 2, 3, 2, 1, valid, channels_first",
    })
    void maxPooling(int h, int w, int ph, int pw, int sh, int sw, String padding, String format) {
        boolean last = format.equals("channels_last");
        boolean same = padding.equals("same");
        int c = 3;
        Network net = InMemoryCompiler.network((last ? "input(" + h + ", " + w + ", " + c + ")"
                : "input(" + c + ", " + h + ", " + w + ")") + "\nMaxPooling2D((" + ph + ", " + pw + "), strides=(" + sh + ", "
                + sw + "), padding='" + padding + "', data_format='" + format + "')\n", 2, 5, false);
        int oh = outLength(same, h, ph, sh, 1);
        int ow = outLength(same, w, pw, sw, 1);
        int top = padBefore(same, h, ph, sh, 1);
        int left = padBefore(same, w, pw, sw, 1);
        // All negative inputs: a padded cell counted as 0 would win and show up.
        float[] x = random(2 * h * w * c, 4);
        for (int i = 0; i < x.length; i++) {
            x[i] = -Math.abs(x[i]) - 0.1f;
        }
        float[] expected = new float[2 * oh * ow * c];
        for (int b = 0; b < 2; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        float max = Float.NEGATIVE_INFINITY;
                        for (int ky = 0; ky < ph; ky++) {
                            for (int kx = 0; kx < pw; kx++) {
                                int iy = oy * sh - top + ky;
                                int ix = ox * sw - left + kx;
                                if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                    max = Math.max(max, x[last ? ((b * h + iy) * w + ix) * c + ch : ((b * c + ch) * h + iy) * w + ix]);
                                }
                            }
                        }
                        expected[last ? ((b * oh + oy) * ow + ox) * c + ch : ((b * c + ch) * oh + oy) * ow + ox] = max;
                    }
                }
            }
        }
        assertArrayEquals(expected, net.forward(x, 2), 0f);
    }

    /** TF's avg_pool: the mean of the window's real cells; padded cells count in neither sum nor divisor. */
    @ParameterizedTest(name = "{0}x{1}x{8} pool {2}x{3} strides {4}x{5} {6} {7}")
    @CsvSource({
        "11, 11, 2, 2, 2, 2, valid, channels_last, 3",
        "11, 11, 2, 2, 2, 2, same, channels_last, 3",
        "7, 9, 3, 2, 1, 2, same, channels_last, 3",
        "9, 9, 3, 3, 2, 2, same, channels_first, 3",
        "6, 7, 2, 3, 2, 1, valid, channels_first, 3",
        "8, 7, 6, 5, 1, 2, same, channels_last, 3",
        "8, 7, 6, 5, 2, 1, same, channels_first, 3",
        "7, 6, 3, 3, 2, 2, same, channels_last, 37",
        "6, 5, 6, 5, 1, 1, same, channels_last, 35",
    })
    void averagePooling(int h, int w, int ph, int pw, int sh, int sw, String padding, String format, int c) {
        boolean last = format.equals("channels_last");
        boolean same = padding.equals("same");
        int oh = outLength(same, h, ph, sh, 1);
        int ow = outLength(same, w, pw, sw, 1);
        int top = padBefore(same, h, ph, sh, 1);
        int left = padBefore(same, w, pw, sw, 1);
        // All positive inputs: a padded cell counted in the divisor would shrink the mean and show up.
        float[] x = random(2 * h * w * c, 4);
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.abs(x[i]) + 0.1f;
        }
        float[] expected = new float[2 * oh * ow * c];
        for (int b = 0; b < 2; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double sum = 0;
                        int count = 0;
                        for (int ky = 0; ky < ph; ky++) {
                            for (int kx = 0; kx < pw; kx++) {
                                int iy = oy * sh - top + ky;
                                int ix = ox * sw - left + kx;
                                if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                    sum += x[last ? ((b * h + iy) * w + ix) * c + ch : ((b * c + ch) * h + iy) * w + ix];
                                    count++;
                                }
                            }
                        }
                        expected[last ? ((b * oh + oy) * ow + ox) * c + ch : ((b * c + ch) * oh + oy) * ow + ox] =
                                (float) (sum / count);
                    }
                }
            }
        }
        for (boolean vector : new boolean[] {false, true}) {
            Network net = InMemoryCompiler.network((last ? "input(" + h + ", " + w + ", " + c + ")"
                    : "input(" + c + ", " + h + ", " + w + ")") + "\nAveragePooling2D((" + ph + ", " + pw + "), strides=("
                    + sh + ", " + sw + "), padding='" + padding + "', data_format='" + format + "')\n", 2, 5, false, vector);
            assertArrayEquals(expected, net.forward(x, 2), 1e-5f);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"GlobalMaxPooling2D, channels_last", "GlobalMaxPool2D, channels_first",
        "GlobalAveragePooling2D, channels_last", "GlobalAvgPool2D, channels_first"})
    void globalPooling(String layer, String format) {
        boolean last = format.equals("channels_last");
        boolean max = layer.contains("Max");
        int h = 3;
        int w = 5;
        int c = 4;
        float[] x = random(2 * h * w * c, 6);
        float[] expected = new float[2 * c];
        for (int b = 0; b < 2; b++) {
            for (int ch = 0; ch < c; ch++) {
                double r = max ? Double.NEGATIVE_INFINITY : 0;
                for (int y = 0; y < h; y++) {
                    for (int xx = 0; xx < w; xx++) {
                        float v = x[last ? ((b * h + y) * w + xx) * c + ch : ((b * c + ch) * h + y) * w + xx];
                        r = max ? Math.max(r, v) : r + v;
                    }
                }
                expected[b * c + ch] = (float) (max ? r : r / (h * w));
            }
        }
        for (boolean vector : new boolean[] {false, true}) {
            Network net = InMemoryCompiler.network((last ? "input(3, 5, 4)" : "input(4, 3, 5)") + "\n" + layer
                    + "(data_format='" + format + "')\n", 2, 5, false, vector);
            assertArrayEquals(expected, net.forward(x, 2), 1e-5f);
        }
    }

    @Test
    void globalMaxPoolingTiesSendTheGradientToTheFirstCell() {
        Network net = InMemoryCompiler.network("input(2, 2, 1)\nGlobalMaxPooling2D()\n", 1, 1, true);
        net.forward(new float[] {1f, 3f, 3f, 3f}, 1);
        net.backward(new float[] {1f}, 1);
        assertArrayEquals(new float[] {0f, 1f, 0f, 0f}, InMemoryCompiler.inputGradient(net), 0f);
    }

    /** out(y, x) = in(y - top, x - left) where that is inside the input, else 0; cropping with negative offsets. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = ';', value = {
        "ZeroPadding2D(((1, 2), (0, 3)), data_format='channels_last'); 1; 2; 0; 3",
        "ZeroPadding2D((2, 1), data_format='channels_first'); 2; 2; 1; 1",
        "ZeroPadding2D(data_format='channels_last'); 1; 1; 1; 1",
        "Cropping2D(((1, 0), (2, 1)), data_format='channels_last'); -1; 0; -2; -1",
        "Cropping2D(1, data_format='channels_first'); -1; -1; -1; -1",
        "Cropping2D(data_format='channels_first'); 0; 0; 0; 0",
    })
    void zeroPaddingAndCropping(String layer, int top, int bottom, int left, int right) {
        boolean last = layer.contains("channels_last");
        int h = 4;
        int w = 5;
        int c = 3;
        int oh = h + top + bottom;
        int ow = w + left + right;
        float[] x = random(2 * h * w * c, 7);
        float[] expected = new float[2 * oh * ow * c];
        for (int b = 0; b < 2; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        int iy = oy - top;
                        int ix = ox - left;
                        if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                            expected[last ? ((b * oh + oy) * ow + ox) * c + ch : ((b * c + ch) * oh + oy) * ow + ox] =
                                    x[last ? ((b * h + iy) * w + ix) * c + ch : ((b * c + ch) * h + iy) * w + ix];
                        }
                    }
                }
            }
        }
        for (boolean vector : new boolean[] {false, true}) {
            Network net = InMemoryCompiler.network((last ? "input(4, 5, 3)" : "input(3, 4, 5)") + "\n" + layer + "\n", 2, 5,
                    false, vector);
            assertArrayEquals(expected, net.forward(x, 2), 0f);
        }
    }

    /** Reshape keeps the C order; Permute((2, 3, 1)) of (a, b, c) is (b, c, a) with out[j, k, i] = in[i, j, k]. */
    @Test
    void reshapeKeepsTheOrderAndPermuteMovesTheAxes() {
        int a = 2;
        int bb = 3;
        int c = 4;
        float[] x = random(2 * a * bb * c, 8);
        float[] expected = new float[x.length];
        for (int n = 0; n < 2; n++) {
            for (int i = 0; i < a; i++) {
                for (int j = 0; j < bb; j++) {
                    for (int k = 0; k < c; k++) {
                        expected[n * 24 + (j * c + k) * a + i] = x[n * 24 + (i * bb + j) * c + k];
                    }
                }
            }
        }
        for (boolean vector : new boolean[] {false, true}) {
            Network reshape = InMemoryCompiler.network("input(2, 3, 4)\nReshape((-1, 2))\nReshape((24,))\n", 2, 5, false,
                    vector);
            assertArrayEquals(x, reshape.forward(x, 2), 0f);
            Network permute = InMemoryCompiler.network("input(2, 3, 4)\nPermute((2, 3, 1))\n", 2, 5, false, vector);
            assertArrayEquals(expected, permute.forward(x, 2), 0f);
        }
    }

    /**
     * TF1 resize_nearest_neighbor / resize_bilinear with align_corners=False: source = dst * (in / out)
     * in float, no half-pixel offset; bilinear reads floor and min(ceil, in - 1).
     */
    @ParameterizedTest(name = "size ({0}, {1}) {2} {3}")
    @CsvSource({"2, 2, nearest, channels_last", "3, 2, nearest, channels_first", "2, 2, bilinear, channels_last",
        "3, 5, bilinear, channels_last", "2, 3, bilinear, channels_first", "1, 1, bilinear, channels_first"})
    void upSampling(int sh, int sw, String interpolation, String format) {
        boolean last = format.equals("channels_last");
        boolean bilinear = interpolation.equals("bilinear");
        int h = 3;
        int w = 4;
        int c = 2;
        int oh = h * sh;
        int ow = w * sw;
        float scaleH = (float) h / oh;
        float scaleW = (float) w / ow;
        float[] x = random(2 * h * w * c, 9);
        float[] expected = new float[2 * oh * ow * c];
        for (int b = 0; b < 2; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        float sy = oy * scaleH;
                        float sx = ox * scaleW;
                        int y0 = (int) Math.floor(sy);
                        int x0 = (int) Math.floor(sx);
                        float v;
                        if (bilinear) {
                            int y1 = Math.min(y0 + 1, h - 1);
                            int x1 = Math.min(x0 + 1, w - 1);
                            double fy = sy - y0;
                            double fx = sx - x0;
                            int bb = b;
                            int cc = ch;
                            java.util.function.IntBinaryOperator at = (yy, xx) -> last
                                    ? ((bb * h + yy) * w + xx) * c + cc : ((bb * c + cc) * h + yy) * w + xx;
                            v = (float) ((1 - fy) * ((1 - fx) * x[at.applyAsInt(y0, x0)] + fx * x[at.applyAsInt(y0, x1)])
                                    + fy * ((1 - fx) * x[at.applyAsInt(y1, x0)] + fx * x[at.applyAsInt(y1, x1)]));
                        } else {
                            v = x[last ? ((b * h + y0) * w + x0) * c + ch : ((b * c + ch) * h + y0) * w + x0];
                        }
                        expected[last ? ((b * oh + oy) * ow + ox) * c + ch : ((b * c + ch) * oh + oy) * ow + ox] = v;
                    }
                }
            }
        }
        for (boolean vector : new boolean[] {false, true}) {
            Network net = InMemoryCompiler.network((last ? "input(3, 4, 2)" : "input(2, 3, 4)") + "\nUpSampling2D((" + sh
                    + ", " + sw + "), data_format='" + format + "', interpolation='" + interpolation + "')\n", 2, 5, false,
                    vector);
            assertArrayEquals(expected, net.forward(x, 2), 1e-5f);
        }
    }

    /** Keras' depthwise_conv2d: out[.., c * dm + m] = sum over taps of in[.., c] * kernel[ky, kx, c, m] (+ bias). */
    @ParameterizedTest(name = "{0}x{1}x{2} kernel {3}x{4} dm {5} strides {6} {7} {8}")
    @CsvSource({
        "7, 9, 2, 3, 2, 1, 1, valid, channels_last",
        "7, 9, 3, 3, 3, 2, 2, same, channels_last",
        "8, 6, 2, 2, 3, 3, 1, same, channels_first",
        "9, 8, 3, 6, 5, 2, 2, same, channels_last",
        "9, 8, 2, 3, 3, 2, 2, valid, channels_first",
    })
    void depthwiseConv2d(int h, int w, int c, int kh, int kw, int dm, int s, String padding, String format) {
        boolean last = format.equals("channels_last");
        boolean same = padding.equals("same");
        int oh = outLength(same, h, kh, s, 1);
        int ow = outLength(same, w, kw, s, 1);
        int top = padBefore(same, h, kh, s, 1);
        int left = padBefore(same, w, kw, s, 1);
        float[] x = random(2 * h * w * c, 10);
        for (boolean vector : new boolean[] {false, true}) {
            Network net = InMemoryCompiler.network((last ? "input(" + h + ", " + w + ", " + c + ")"
                    : "input(" + c + ", " + h + ", " + w + ")") + "\nDepthwiseConv2D((" + kh + ", " + kw + "), strides=" + s
                    + ", padding='" + padding + "', depth_multiplier=" + dm + ", data_format='" + format
                    + "', bias_initializer=RandomNormal())\n", 2, 5, false, vector);
            assertEquals("depthwise_conv2d_1/depthwise_kernel", net.parameters().get(0).name());
            float[] kernel = net.parameters().get(0).values();
            float[] bias = net.parameters().get(1).values();
            int oc = c * dm;
            float[] expected = new float[2 * oh * ow * oc];
            for (int b = 0; b < 2; b++) {
                for (int ch = 0; ch < c; ch++) {
                    for (int m = 0; m < dm; m++) {
                        for (int oy = 0; oy < oh; oy++) {
                            for (int ox = 0; ox < ow; ox++) {
                                double sum = bias[ch * dm + m];
                                for (int ky = 0; ky < kh; ky++) {
                                    for (int kx = 0; kx < kw; kx++) {
                                        int iy = oy * s - top + ky;
                                        int ix = ox * s - left + kx;
                                        if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                            int xi = last ? ((b * h + iy) * w + ix) * c + ch : ((b * c + ch) * h + iy) * w + ix;
                                            sum += x[xi] * kernel[((ky * kw + kx) * c + ch) * dm + m];
                                        }
                                    }
                                }
                                int f = ch * dm + m;
                                expected[last ? ((b * oh + oy) * ow + ox) * oc + f : ((b * oc + f) * oh + oy) * ow + ox] =
                                        (float) sum;
                            }
                        }
                    }
                }
            }
            assertArrayEquals(expected, net.forward(x, 2), 1e-4f);
        }
    }

    /** Keras' separable_conv2d: the depthwise convolution, then a 1x1 convolution over its c * dm channels, then bias. */
    @ParameterizedTest(name = "{0}x{1}x{2} kernel {3}x{4} dm {5} filters {6} strides {7} dilation {8} {9} {10}")
    @CsvSource({
        "7, 9, 2, 3, 2, 1, 3, 1, 1, valid, channels_last",
        "7, 9, 3, 3, 3, 2, 4, 2, 1, same, channels_last",
        "8, 6, 2, 2, 3, 3, 2, 1, 2, same, channels_first",
        "9, 8, 2, 6, 5, 2, 3, 1, 1, same, channels_last",
        "9, 8, 2, 3, 3, 2, 5, 2, 1, valid, channels_first",
    })
    void separableConv2d(int h, int w, int c, int kh, int kw, int dm, int filters, int s, int d, String padding,
            String format) {
        boolean last = format.equals("channels_last");
        boolean same = padding.equals("same");
        int oh = outLength(same, h, kh, s, d);
        int ow = outLength(same, w, kw, s, d);
        int top = padBefore(same, h, kh, s, d);
        int left = padBefore(same, w, kw, s, d);
        float[] x = random(2 * h * w * c, 11);
        for (boolean vector : new boolean[] {false, true}) {
            Network net = InMemoryCompiler.network((last ? "input(" + h + ", " + w + ", " + c + ")"
                    : "input(" + c + ", " + h + ", " + w + ")") + "\nSeparableConv2D(" + filters + ", (" + kh + ", " + kw
                    + "), strides=" + s + ", dilation_rate=" + d + ", padding='" + padding + "', depth_multiplier=" + dm
                    + ", data_format='" + format + "', bias_initializer=RandomNormal())\n", 2, 5, false, vector);
            assertEquals("separable_conv2d_1/depthwise_kernel", net.parameters().get(0).name());
            assertEquals("separable_conv2d_1/pointwise_kernel", net.parameters().get(1).name());
            assertEquals("separable_conv2d_1/bias", net.parameters().get(2).name());
            float[] dk = net.parameters().get(0).values();
            float[] pk = net.parameters().get(1).values();
            float[] bias = net.parameters().get(2).values();
            int mc = c * dm;
            float[] expected = new float[2 * oh * ow * filters];
            for (int b = 0; b < 2; b++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double[] middle = new double[mc];
                        for (int ch = 0; ch < c; ch++) {
                            for (int m = 0; m < dm; m++) {
                                for (int ky = 0; ky < kh; ky++) {
                                    for (int kx = 0; kx < kw; kx++) {
                                        int iy = oy * s - top + ky * d;
                                        int ix = ox * s - left + kx * d;
                                        if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                            int xi = last ? ((b * h + iy) * w + ix) * c + ch : ((b * c + ch) * h + iy) * w + ix;
                                            middle[ch * dm + m] += x[xi] * dk[((ky * kw + kx) * c + ch) * dm + m];
                                        }
                                    }
                                }
                            }
                        }
                        for (int f = 0; f < filters; f++) {
                            double sum = bias[f];
                            for (int j = 0; j < mc; j++) {
                                sum += middle[j] * pk[j * filters + f];
                            }
                            expected[last ? ((b * oh + oy) * ow + ox) * filters + f : ((b * filters + f) * oh + oy) * ow + ox] =
                                    (float) sum;
                        }
                    }
                }
            }
            assertArrayEquals(expected, net.forward(x, 2), 1e-4f);
        }
    }

    /** Keras 2.2.4 conv_utils.deconv_length; -1 stands for output_padding=None. */
    private static int deconvLength(int n, int s, int k, boolean same, int outputPadding, int d) {
        int kernel = k + (k - 1) * (d - 1);
        if (outputPadding < 0) {
            return same ? n * s : n * s + Math.max(kernel - s, 0);
        }
        return (n - 1) * s + kernel - 2 * (same ? kernel / 2 : 0) + outputPadding;
    }

    /**
     * TF conv2d_transpose: the input gradient of the convolution from the output back to the input,
     * out[oy, ox, f] = bias[f] + sum of in[y, x, c] * kernel[ky, kx, f, c] over oy = y * s - top + ky * d.
     */
    @ParameterizedTest(name = "{0}x{1}x{2} kernel {3}x{4} filters {5} strides {6} dilation {7} {8} output_padding {9} {10}")
    @CsvSource({
        "4, 5, 2, 3, 3, 3, 1, 1, valid, -1, channels_last",
        "4, 5, 2, 3, 3, 3, 2, 1, same, -1, channels_last",
        "4, 5, 2, 4, 3, 2, 2, 1, same, 1, channels_last",
        "3, 4, 3, 2, 2, 2, 3, 1, valid, -1, channels_first",
        "3, 4, 3, 3, 2, 2, 2, 1, valid, 1, channels_first",
        "5, 4, 2, 2, 3, 3, 1, 2, same, -1, channels_last",
        "5, 4, 2, 6, 5, 2, 1, 1, same, -1, channels_first",
    })
    void conv2dTranspose(int h, int w, int c, int kh, int kw, int filters, int s, int d, String padding, int op,
            String format) {
        boolean last = format.equals("channels_last");
        boolean same = padding.equals("same");
        int oh = deconvLength(h, s, kh, same, op, d);
        int ow = deconvLength(w, s, kw, same, op, d);
        int top = padBefore(same, oh, kh, s, d);
        int left = padBefore(same, ow, kw, s, d);
        float[] x = random(2 * h * w * c, 12);
        for (boolean vector : new boolean[] {false, true}) {
            Network net = InMemoryCompiler.network((last ? "input(" + h + ", " + w + ", " + c + ")"
                    : "input(" + c + ", " + h + ", " + w + ")") + "\nConv2DTranspose(" + filters + ", (" + kh + ", " + kw
                    + "), strides=" + s + ", dilation_rate=" + d + ", padding='" + padding + "', output_padding="
                    + (op < 0 ? "None" : op) + ", data_format='" + format + "', bias_initializer=RandomNormal())\n", 2, 5,
                    false, vector);
            float[] kernel = net.parameters().get(0).values();
            float[] bias = net.parameters().get(1).values();
            double[] expected = new double[2 * oh * ow * filters];
            for (int b = 0; b < 2; b++) {
                for (int f = 0; f < filters; f++) {
                    for (int oy = 0; oy < oh; oy++) {
                        for (int ox = 0; ox < ow; ox++) {
                            expected[last ? ((b * oh + oy) * ow + ox) * filters + f : ((b * filters + f) * oh + oy) * ow + ox] =
                                    bias[f];
                        }
                    }
                }
                for (int y = 0; y < h; y++) {
                    for (int xx = 0; xx < w; xx++) {
                        for (int ky = 0; ky < kh; ky++) {
                            for (int kx = 0; kx < kw; kx++) {
                                int oy = y * s - top + ky * d;
                                int ox = xx * s - left + kx * d;
                                if (oy < 0 || oy >= oh || ox < 0 || ox >= ow) {
                                    continue;
                                }
                                for (int f = 0; f < filters; f++) {
                                    for (int ch = 0; ch < c; ch++) {
                                        double v = x[last ? ((b * h + y) * w + xx) * c + ch : ((b * c + ch) * h + y) * w + xx];
                                        expected[last ? ((b * oh + oy) * ow + ox) * filters + f
                                                : ((b * filters + f) * oh + oy) * ow + ox] +=
                                                v * kernel[((ky * kw + kx) * filters + f) * c + ch];
                                    }
                                }
                            }
                        }
                    }
                }
            }
            float[] e = new float[expected.length];
            for (int i = 0; i < e.length; i++) {
                e[i] = (float) expected[i];
            }
            assertArrayEquals(e, net.forward(x, 2), 1e-4f);
        }
    }

    @Test
    void maxPoolingTiesSendTheGradientToTheFirstTapInRowMajorOrder() {
        Network net = InMemoryCompiler.network("input(2, 2, 1)\nMaxPooling2D()\n", 1, 1, true);
        net.forward(new float[] {1f, 3f, 3f, 3f}, 1);
        net.backward(new float[] {1f}, 1);
        assertArrayEquals(new float[] {0f, 1f, 0f, 0f}, InMemoryCompiler.inputGradient(net), 0f);
    }

    @Test
    void flattenOfChannelsFirstIsInChannelsLastOrder() {
        Network net = InMemoryCompiler.network("input(2, 2, 3)\nFlatten(data_format='channels_first')\n"
                + "Dense(12, use_bias=False, kernel_initializer='zeros')\n", 1, 1, false);
        // Make the dense layer the identity so that the output shows Flatten's order.
        float[] k = net.parameters().get(0).values();
        for (int i = 0; i < 12; i++) {
            k[i * 12 + i] = 1f;
        }
        // (c, h, w) = (2, 2, 3): value = 100 c + 10 y + x
        float[] x = new float[12];
        for (int ch = 0; ch < 2; ch++) {
            for (int y = 0; y < 2; y++) {
                for (int xx = 0; xx < 3; xx++) {
                    x[(ch * 2 + y) * 3 + xx] = 100 * ch + 10 * y + xx;
                }
            }
        }
        float[] out = net.forward(x, 1);
        // Keras permutes to (h, w, c) before flattening.
        assertArrayEquals(new float[] {0, 100, 1, 101, 2, 102, 10, 110, 11, 111, 12, 112}, out, 0f);
    }

    /**
     * BatchNormalization in both modes against Keras 2.2.4's definition: training normalizes each
     * channel with the batch's mean and biased variance, {@code gamma * (x - mean) / sqrt(var + eps) + beta};
     * inference uses the moving statistics. Channels-last images (axis -1) and channels-first (axis 1).
     */
    @ParameterizedTest(name = "channels_first={0} vector={1}")
    @CsvSource({"false, false", "false, true", "true, false", "true, true"})
    void batchNormalization(boolean first, boolean vector) {
        int n = 5;
        int c = 3;
        int hw = 6;
        Network net = InMemoryCompiler.network("input(" + (first ? "3, 2, 3" : "2, 3, 3") + ")\nBatchNormalization("
                + (first ? "axis=1, " : "") + "epsilon=0.01, gamma_initializer=RandomUniform(0.5, 1.5), "
                + "beta_initializer=RandomUniform(-1, 1), moving_mean_initializer=RandomUniform(-1, 1), "
                + "moving_variance_initializer=RandomUniform(0.5, 2))\n", n, 4, false, vector);
        float[] gamma = net.parameters().get(0).values();
        float[] beta = net.parameters().get(1).values();
        float[] movingMean = net.parameters().get(2).values();
        float[] movingVariance = net.parameters().get(3).values();
        float[] x = random(n * c * hw, 8);
        for (int i = 0; i < x.length; i++) {
            x[i] = x[i] * 3 + 1;
        }
        double[] mean = new double[c];
        double[] squares = new double[c];
        for (int i = 0; i < x.length; i++) {
            int ch = first ? i / hw % c : i % c;
            mean[ch] += x[i] / (double) (n * hw);
        }
        for (int i = 0; i < x.length; i++) {
            int ch = first ? i / hw % c : i % c;
            squares[ch] += (x[i] - mean[ch]) * (x[i] - mean[ch]);
        }
        float[] training = net.forward(new dev.cnnc.runtime.Batch(n).set(x, n, dev.cnnc.runtime.Mode.TRAINING)).clone();
        float[] inference = net.forward(x, n).clone();
        for (int i = 0; i < x.length; i++) {
            int ch = first ? i / hw % c : i % c;
            double variance = squares[ch] / (n * hw);
            double expectTraining = gamma[ch] * (x[i] - mean[ch]) / Math.sqrt(variance + 0.01) + beta[ch];
            double expectInference = gamma[ch] * (x[i] - movingMean[ch]) / Math.sqrt(movingVariance[ch] + 0.01) + beta[ch];
            assertEquals(expectTraining, training[i], 1e-4, "training, value " + i);
            assertEquals(expectInference, inference[i], 1e-4, "inference, value " + i);
        }
    }

    @Test
    void denseAndSoftmax() {
        Network net = InMemoryCompiler.network("input(3)\nDense(2, activation='softmax', bias_initializer='ones')\n", 1, 9,
                false);
        float[] k = net.parameters().get(0).values();
        float[] x = {0.5f, -1f, 2f};
        double z0 = 1 + x[0] * k[0] + x[1] * k[2] + x[2] * k[4];
        double z1 = 1 + x[0] * k[1] + x[1] * k[3] + x[2] * k[5];
        double p0 = Math.exp(z0) / (Math.exp(z0) + Math.exp(z1));
        float[] p = net.forward(x, 1);
        assertEquals(p0, p[0], 1e-6);
        assertEquals(1 - p0, p[1], 1e-6);
    }

    /** Elementwise activation layers on inputs that straddle their kinks, against Keras 2.2.4's definitions. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "ReLU()                                                    | relu",
        "ReLU(max_value=0.5)                                       | relu6",
        "ReLU(max_value=1.0, negative_slope=0.1, threshold=0.3)    | relufull",
        "ReLU(threshold=-0.4)                                      | reluneg",
        "LeakyReLU()                                               | leaky",
        "LeakyReLU(alpha=0.05)                                     | leaky05",
        "ELU(alpha=0.5)                                            | elu",
        "ThresholdedReLU()                                         | thresholded",
        "Activation('tanh')                                        | tanh",
        "Activation('linear')                                      | linear",
    })
    void activationLayers(String layer, String which) {
        Network net = InMemoryCompiler.network("input(2, 3, 4)\n" + layer + "\n", 3, 1, false);
        float[] x = random(3 * 24, 17);
        for (int i = 0; i < x.length; i++) {
            x[i] *= 1.5f;
        }
        float[] y = net.forward(x, 3);
        for (int i = 0; i < x.length; i++) {
            double v = x[i];
            double expected = switch (which) {
                case "relu" -> Math.max(v, 0);
                case "relu6" -> Math.min(Math.max(v, 0), 0.5);
                case "relufull" -> (v > 0.3 ? Math.min(v, 1.0) : 0) - 0.1 * Math.max(0.3 - v, 0);
                case "reluneg" -> v > -0.4 ? v : 0;
                case "leaky" -> v > 0 ? v : 0.3 * v;
                case "leaky05" -> v > 0 ? v : 0.05 * v;
                case "elu" -> v > 0 ? v : 0.5 * (Math.exp(v) - 1);
                case "thresholded" -> v > 1.0 ? v : 0;
                case "tanh" -> Math.tanh(v);
                default -> v;
            };
            assertEquals(expected, y[i], 1e-6, layer + " at " + v);
        }
    }

    /** Softmax and Activation('softmax') normalize over the last axis of Keras' layout. */
    @Test
    void softmaxLayersOverTheLastAxis() {
        for (String layer : new String[] {"Softmax()", "Activation('softmax')", "Softmax(axis=-1)"}) {
            Network net = InMemoryCompiler.network("input(2, 3, 4)\n" + layer + "\n", 2, 1, false);
            float[] x = random(2 * 24, 5);
            float[] y = net.forward(x, 2);
            for (int g = 0; g < x.length; g += 4) {
                double sum = 0;
                for (int k = 0; k < 4; k++) {
                    sum += Math.exp(x[g + k]);
                }
                for (int k = 0; k < 4; k++) {
                    assertEquals(Math.exp(x[g + k]) / sum, y[g + k], 1e-6, layer);
                }
            }
        }
    }

    /** PReLU's alpha broadcast over its shared axes: per channel with shared_axes=[1, 2]. */
    @Test
    void preluSharesAlphaOverItsSharedAxes() {
        Network net = InMemoryCompiler.network("input(2, 3, 4)\nPReLU(alpha_initializer=RandomUniform(0.1, 0.9), "
                + "shared_axes=[1, 2])\n", 2, 1, false);
        float[] alpha = net.parameters().get(0).values();
        assertEquals(4, alpha.length);
        assertEquals("p_re_lu_1/alpha", net.parameters().get(0).name());
        float[] x = random(2 * 24, 8);
        float[] y = net.forward(x, 2);
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i] > 0 ? x[i] : alpha[i % 4] * x[i], y[i], 1e-7);
        }
        Network full = InMemoryCompiler.network("input(2, 3, 4)\nPReLU(alpha_initializer=RandomUniform(0.1, 0.9), "
                + "shared_axes=2)\n", 1, 1, false);
        float[] a = full.parameters().get(0).values();
        assertEquals(8, a.length); // (2, 1, 4)
        float[] y2 = full.forward(x, 1);
        for (int h = 0; h < 2; h++) {
            for (int w = 0; w < 3; w++) {
                for (int c = 0; c < 4; c++) {
                    int i = (h * 3 + w) * 4 + c;
                    assertEquals(x[i] > 0 ? x[i] : a[h * 4 + c] * x[i], y2[i], 1e-7);
                }
            }
        }
    }
}
