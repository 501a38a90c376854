package dev.cnnc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cnnc.compiler.ir.Border2DLayer;
import dev.cnnc.compiler.ir.Conv2DLayer;
import dev.cnnc.compiler.ir.Conv2DTransposeLayer;
import dev.cnnc.compiler.ir.Pool2DLayer;
import dev.cnnc.compiler.ir.Layer;
import dev.cnnc.compiler.ir.Model;
import dev.cnnc.compiler.ir.Padding;
import dev.cnnc.compiler.ir.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Output sizes and TF's padding split, against values worked by hand from Keras 2.2.4's
 * {@code conv_output_length} and TensorFlow's {@code GetWindowedOutputSizeVerboseV2}.
 */
class ShapeInferenceTest {

    private static Layer only(String input, String layer) {
        Model m = Sources.model("input" + input + "\n" + layer + "\n");
        return m.layers().get(0);
    }

    @ParameterizedTest(name = "n={0} k={1} s={2} d={3} {4} -> {5}, pad ({6}, {7})")
    @CsvSource({
        // n, k, s, d, padding, out, before, after
        "28, 3, 1, 1, valid, 26, 0, 0",
        "28, 3, 2, 1, valid, 13, 0, 0",
        "28, 3, 3, 1, valid,  9, 0, 0",
        "27, 3, 2, 1, valid, 13, 0, 0",
        "27, 4, 3, 1, valid,  8, 0, 0",
        "28, 3, 2, 2, valid, 12, 0, 0", // not reachable from Conv2D (stride with dilation), but the formula holds
        "28, 3, 1, 2, valid, 24, 0, 0",
        "10, 3, 1, 3, valid,  4, 0, 0",
        "28, 3, 1, 1, same,  28, 1, 1",
        "28, 4, 1, 1, same,  28, 1, 2",
        "28, 3, 2, 1, same,  14, 0, 1",
        "27, 3, 2, 1, same,  14, 1, 1",
        "28, 3, 3, 1, same,  10, 1, 1",
        "96, 7, 2, 1, same,  48, 2, 3",
        "224, 7, 2, 1, same, 112, 2, 3",
        " 7, 2, 3, 1, same,   3, 0, 1",
        "28, 3, 1, 2, same,  28, 2, 2",
        " 5, 1, 1, 1, same,   5, 0, 0",
    })
    void outputLengthAndPadding(int n, int k, int s, int d, String padding, int out, int before, int after) {
        Padding p = Padding.valueOf(padding.toUpperCase());
        assertEquals(out, p.outputLength(n, k, s, d));
        assertEquals(before, p.padBefore(n, k, s, d));
        assertEquals(after, p.padAfter(n, k, s, d));
    }

    @Test
    void conv2dValidStride1() {
        Conv2DLayer c = (Conv2DLayer) only("(28, 28, 1)", "Conv2D(32, (3, 3))");
        assertEquals(Shape.of(26, 26, 32), c.outputShape());
        assertEquals(320, c.parameterCount());
    }

    @Test
    void conv2dSameStride2OddInputPutsTheExtraRowAtTheBottom() {
        Conv2DLayer c = (Conv2DLayer) only("(28, 27, 3)", "Conv2D(8, (3, 3), strides=2, padding='same')");
        assertEquals(Shape.of(14, 14, 8), c.outputShape());
        assertEquals(0, c.geometry().padTop());
        assertEquals(1, c.geometry().padBottom());
        assertEquals(1, c.geometry().padLeft());
        assertEquals(1, c.geometry().padRight());
    }

    @Test
    void conv2dNonSquareKernelAndStrides() {
        Conv2DLayer c = (Conv2DLayer) only("(20, 15, 2)", "Conv2D(4, (5, 2), strides=(3, 1))");
        assertEquals(Shape.of(6, 14, 4), c.outputShape());
        assertEquals(5 * 2 * 2 * 4 + 4, c.parameterCount());
    }

    @Test
    void conv2dDilation() {
        Conv2DLayer c = (Conv2DLayer) only("(28, 28, 1)", "Conv2D(8, 3, dilation_rate=2)");
        assertEquals(Shape.of(24, 24, 8), c.outputShape());
        Conv2DLayer same = (Conv2DLayer) only("(28, 28, 1)", "Conv2D(8, 3, dilation_rate=(2, 3), padding='SAME')");
        assertEquals(Shape.of(28, 28, 8), same.outputShape());
        assertEquals(2, same.geometry().padTop());
        assertEquals(3, same.geometry().padLeft());
        assertEquals(3, same.geometry().padRight());
    }

    @Test
    void conv2dChannelsFirst() {
        Conv2DLayer c = (Conv2DLayer) only("(1, 28, 28)", "Conv2D(32, (3, 3), data_format='channels_first')");
        assertEquals(Shape.of(32, 26, 26), c.outputShape());
        assertEquals("(None, 32, 26, 26)", c.outputShape().toKeras());
        assertEquals(320, c.parameterCount());
    }

    @Test
    void conv2dWithoutBias() {
        Conv2DLayer c = (Conv2DLayer) only("(28, 28, 3)", "Conv2D(16, (3, 3), use_bias=False)");
        assertEquals(3 * 3 * 3 * 16, c.parameterCount());
    }

    @Test
    void poolingFloorsWithValidAndCeilsWithSame() {
        assertEquals(Shape.of(5, 5, 64), only("(11, 11, 64)", "MaxPooling2D((2, 2))").outputShape());
        Pool2DLayer same = (Pool2DLayer) only("(11, 11, 64)", "MaxPooling2D((2, 2), padding='same')");
        assertEquals(Shape.of(6, 6, 64), same.outputShape());
        assertEquals(0, same.geometry().padTop());
        assertEquals(1, same.geometry().padBottom());
    }

    @Test
    void poolingStridesDefaultToThePoolSizeAndMayOverlap() {
        assertEquals(Shape.of(9, 9, 1), only("(27, 27, 1)", "MaxPool2D(3)").outputShape());
        assertEquals(Shape.of(3, 3, 1), only("(4, 4, 1)", "MaxPooling2D((2, 2), strides=(1, 1))").outputShape());
        assertEquals(Shape.of(6, 6, 2), only("(13, 13, 2)", "MaxPooling2D(3, strides=2)").outputShape());
        assertEquals(Shape.of(4, 13, 13), only("(4, 27, 27)", "MaxPooling2D(2, data_format='channels_first')")
                .outputShape());
    }

    @Test
    void averagePoolingHasThePoolingShapesAndNoParameters() {
        Pool2DLayer valid = (Pool2DLayer) only("(11, 11, 64)", "AveragePooling2D((2, 2))");
        assertEquals(Shape.of(5, 5, 64), valid.outputShape());
        assertEquals("AveragePooling2D", valid.kerasClass());
        assertEquals(0, valid.parameterCount());
        Pool2DLayer same = (Pool2DLayer) only("(11, 10, 64)", "AvgPool2D(3, strides=2, padding='same')");
        // rows: ceil(11 / 2) = 6, total pad (6 - 1) * 2 + 3 - 11 = 2 -> (1, 1); columns: 5, pad 1 -> (0, 1)
        assertEquals(Shape.of(6, 5, 64), same.outputShape());
        assertEquals(1, same.geometry().padTop());
        assertEquals(1, same.geometry().padBottom());
        assertEquals(0, same.geometry().padLeft());
        assertEquals(1, same.geometry().padRight());
        assertEquals(Shape.of(4, 9, 3), only("(4, 27, 10)", "AveragePooling2D((3, 3), data_format='channels_first')")
                .outputShape());
        assertEquals(Shape.of(3, 3, 1), only("(4, 4, 1)", "AveragePooling2D((2, 2), strides=(1, 1))").outputShape());
    }

    @Test
    void globalPoolingKeepsTheChannels() {
        Layer max = only("(7, 5, 16)", "GlobalMaxPooling2D()");
        assertEquals(Shape.of(16), max.outputShape());
        assertEquals("global_max_pooling2d_1", max.name());
        assertEquals(0, max.parameterCount());
        Layer avg = only("(16, 7, 5)", "GlobalAvgPool2D(data_format='channels_first')");
        assertEquals(Shape.of(16), avg.outputShape());
        assertEquals("GlobalAveragePooling2D", avg.kerasClass());
        assertEquals("global_average_pooling2d_1", avg.name());
        assertEquals(Shape.of(5), only("(16, 7, 5)", "GlobalAveragePooling2D()").outputShape());
    }

    @Test
    void zeroPaddingInItsThreeForms() {
        Layer dflt = only("(28, 28, 1)", "ZeroPadding2D()");
        assertEquals(Shape.of(30, 30, 1), dflt.outputShape());
        assertEquals("zero_padding2d_1", dflt.name());
        assertEquals(0, dflt.parameterCount());
        assertEquals(Shape.of(32, 32, 1), only("(28, 28, 1)", "ZeroPadding2D(2)").outputShape());
        assertEquals(Shape.of(30, 34, 1), only("(28, 28, 1)", "ZeroPadding2D((1, 3))").outputShape());
        Border2DLayer asym = (Border2DLayer) only("(28, 28, 1)", "ZeroPadding2D(padding=((0, 1), (2, 3)))");
        assertEquals(Shape.of(29, 33, 1), asym.outputShape());
        assertEquals(2, asym.left());
        assertEquals(3, asym.right());
        assertEquals(Shape.of(3, 29, 33), only("(3, 28, 28)", "ZeroPadding2D(((0, 1), (2, 3)), data_format='channels_first')")
                .outputShape());
    }

    @Test
    void croppingInItsThreeForms() {
        Layer dflt = only("(28, 27, 2)", "Cropping2D()");
        assertEquals(Shape.of(28, 27, 2), dflt.outputShape());
        assertEquals("cropping2d_1", dflt.name());
        assertEquals(Shape.of(24, 23, 2), only("(28, 27, 2)", "Cropping2D(2)").outputShape());
        assertEquals(Shape.of(26, 21, 2), only("(28, 27, 2)", "Cropping2D((1, 3))").outputShape());
        assertEquals(Shape.of(25, 22, 2), only("(28, 27, 2)", "Cropping2D(cropping=((0, 3), (4, 1)))").outputShape());
        assertEquals(Shape.of(2, 25, 22), only("(2, 28, 27)", "Cropping2D(((0, 3), (4, 1)), 'channels_first')")
                .outputShape());
        assertEquals(Shape.of(1, 1, 2), only("(3, 3, 2)", "Cropping2D(1)").outputShape());
    }

    @Test
    void reshapeInfersTheUnknownDimension() {
        Layer r = only("(28, 28, 1)", "Reshape((784,))");
        assertEquals(Shape.of(784), r.outputShape());
        assertEquals("reshape_1", r.name());
        assertEquals(Shape.of(7, 112), only("(28, 28, 1)", "Reshape((7, -1))").outputShape());
        assertEquals(Shape.of(4, 7, 28), only("(28, 28, 1)", "Reshape(target_shape=(-1, 7, 28))").outputShape());
        assertEquals(Shape.of(2, 3, 4), only("(24)", "Reshape([2, 3, 4])").outputShape());
    }

    @Test
    void permuteReordersTheAxes() {
        Layer p = only("(5, 6, 3)", "Permute((3, 1, 2))");
        assertEquals(Shape.of(3, 5, 6), p.outputShape());
        assertEquals("permute_1", p.name());
        assertEquals(Shape.of(6, 5, 3), only("(5, 6, 3)", "Permute(dims=(2, 1, 3))").outputShape());
        assertEquals(Shape.of(5, 6, 3), only("(5, 6, 3)", "Permute((1, 2, 3))").outputShape());
    }

    @Test
    void upSamplingMultipliesHeightAndWidth() {
        Layer u = only("(7, 5, 3)", "UpSampling2D()");
        assertEquals(Shape.of(14, 10, 3), u.outputShape());
        assertEquals("up_sampling2d_1", u.name());
        assertEquals(0, u.parameterCount());
        assertEquals(Shape.of(21, 10, 3), only("(7, 5, 3)", "UpSampling2D((3, 2), interpolation='bilinear')").outputShape());
        assertEquals(Shape.of(7, 15, 9), only("(7, 5, 3)", "UpSampling2D(size=3, data_format='channels_first')")
                .outputShape());
    }

    @Test
    void depthwiseConv2dMultipliesTheChannels() {
        Layer d = only("(28, 28, 3)", "DepthwiseConv2D(3, depth_multiplier=2)");
        assertEquals(Shape.of(26, 26, 6), d.outputShape());
        assertEquals("depthwise_conv2d_1", d.name());
        // Keras: 3 * 3 * 3 * 2 depthwise kernel + 6 bias
        assertEquals(60, d.parameterCount());
        assertEquals("depthwise_kernel", d.weights().get(0).role().keras());
        Layer same = only("(3, 28, 27)", "DepthwiseConv2D((3, 3), strides=2, padding='same', data_format='channels_first', "
                + "use_bias=False)");
        assertEquals(Shape.of(3, 14, 14), same.outputShape());
        assertEquals(27, same.parameterCount());
    }

    @Test
    void separableConv2dParametersAsKeras() {
        Layer sep = only("(28, 28, 3)", "SeparableConv2D(16, 3, depth_multiplier=2)");
        assertEquals(Shape.of(26, 26, 16), sep.outputShape());
        assertEquals("separable_conv2d_1", sep.name());
        // Keras: depthwise 3*3*3*2 = 54, pointwise 1*1*6*16 = 96, bias 16
        assertEquals(166, sep.parameterCount());
        assertEquals("[depthwise_kernel, pointwise_kernel, bias]",
                sep.weights().stream().map(w -> w.role().keras()).toList().toString());
        Layer cf = only("(3, 28, 27)", "SeparableConv2D(8, (3, 3), strides=2, padding='same', "
                + "data_format='channels_first', use_bias=False)");
        assertEquals(Shape.of(8, 14, 14), cf.outputShape());
        assertEquals(27 + 24, cf.parameterCount());
        assertEquals(Shape.of(24, 24, 4), only("(28, 28, 1)", "SeparableConv2D(4, 3, dilation_rate=2)").outputShape());
    }

    /** Keras 2.2.4 deconv_length by hand: valid n*s + max(k - s, 0); same n*s; with output_padding (n-1)*s + k - 2*pad + op. */
    @Test
    void conv2dTransposeOutputLengths() {
        Conv2DTransposeLayer valid = (Conv2DTransposeLayer) only("(5, 5, 1)", "Conv2DTranspose(4, 3, strides=2)");
        assertEquals(Shape.of(11, 11, 4), valid.outputShape());
        assertEquals("conv2d_transpose_1", valid.name());
        // kernel (3, 3, 4, 1) + bias 4
        assertEquals(40, valid.parameterCount());
        assertEquals(Shape.of(10, 10, 4), only("(5, 5, 1)", "Conv2DTranspose(4, 3, strides=2, padding='same')").outputShape());
        assertEquals(Shape.of(12, 12, 4), only("(5, 5, 1)", "Conv2DTranspose(4, 3, strides=2, output_padding=1)")
                .outputShape());
        Conv2DTransposeLayer same = (Conv2DTransposeLayer) only("(5, 5, 1)",
                "Conv2DTranspose(4, 3, strides=2, padding='same', output_padding=(0, 1))");
        // rows (5 - 1) * 2 + 3 - 2 + 0 = 9, columns 10; the convolution 9 -> 5 pads (1, 1), 10 -> 5 pads (0, 1)
        assertEquals(Shape.of(9, 10, 4), same.outputShape());
        assertEquals(1, same.geometry().padTop());
        assertEquals(0, same.geometry().padLeft());
        assertEquals(Shape.of(2, 15, 3), only("(5, 5, 3)", "Conv2DTranspose(2, (2, 1), strides=(3, 1), "
                + "data_format='channels_first')").outputShape());
        assertEquals(Shape.of(9, 9, 2), only("(5, 5, 3)", "Deconvolution2D(2, 3, dilation_rate=2)").outputShape());
        Layer small = only("(5, 5, 1)", "Conv2DTranspose(4, 2, strides=3)");
        assertEquals(Shape.of(15, 15, 4), small.outputShape());
    }

    @Test
    void flattenOfBothDataFormats() {
        Model m = Sources.model("input(3, 3, 64)\nFlatten()\n");
        assertEquals(Shape.of(576), m.outputShape());
        Model cf = Sources.model("input(64, 3, 3)\nFlatten(data_format='channels_first')\n");
        assertEquals(Shape.of(576), cf.outputShape());
    }

    @Test
    void activationLayersKeepTheShapeAndTakeKerasNames() {
        Model m = Sources.model("""
                input(6, 5, 3)
                Activation('relu')
                ReLU(max_value=6)
                LeakyReLU()
                PReLU()
                PReLU(shared_axes=[1, 2])
                ELU()
                ThresholdedReLU()
                Softmax()
                Flatten()
                Dense(4)
                PReLU(shared_axes=1)
                """);
        String[] names = {"activation_1", "re_lu_1", "leaky_re_lu_1", "p_re_lu_1", "p_re_lu_2", "elu_1",
            "thresholded_re_lu_1", "softmax_1", "flatten_1", "dense_1", "p_re_lu_3"};
        long[] params = {0, 0, 0, 90, 3, 0, 0, 0, 0, 364, 1};
        for (int i = 0; i < names.length; i++) {
            Layer l = m.layers().get(i);
            assertEquals(names[i], l.name());
            assertEquals(params[i], l.parameterCount(), names[i]);
            if (i < 8) {
                assertEquals(Shape.of(6, 5, 3), l.outputShape(), names[i]);
            }
        }
        assertEquals(Shape.of(4), m.layers().get(10).outputShape());
        assertEquals(dev.cnnc.compiler.ir.Activation.SOFTMAX, m.layers().get(7).activation());
        assertEquals(dev.cnnc.compiler.ir.Activation.RELU, m.layers().get(0).activation());
        assertEquals(dev.cnnc.compiler.ir.Activation.LINEAR, m.layers().get(1).activation());
    }

    @Test
    void noiseLayersKeepTheShapeAndTakeKerasNames() {
        Model m = Sources.model("""
                input(6, 5, 3)
                Dropout(0.25)
                SpatialDropout2D(0.1)
                GaussianNoise(0.2)
                GaussianDropout(rate=0.3)
                Dropout(0.5, noise_shape=(None, 1, None, 3), seed=7)
                SpatialDropout2D(0.1, 'channels_first')
                Flatten()
                Dropout(rate=2.0)
                """);
        String[] names = {"dropout_1", "spatial_dropout2d_1", "gaussian_noise_1", "gaussian_dropout_1", "dropout_2",
            "spatial_dropout2d_2", "flatten_1", "dropout_3"};
        for (int i = 0; i < names.length; i++) {
            assertEquals(names[i], m.layers().get(i).name());
            assertEquals(0, m.layers().get(i).parameterCount());
        }
        assertEquals(Shape.of(6, 5, 3), m.layers().get(5).outputShape());
        assertEquals(Shape.of(90), m.layers().get(7).outputShape());
        dev.cnnc.compiler.ir.NoiseLayer spatial = (dev.cnnc.compiler.ir.NoiseLayer) m.layers().get(1);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {1, 1, 3}, spatial.maskShape());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {6, 1, 1},
                ((dev.cnnc.compiler.ir.NoiseLayer) m.layers().get(5)).maskShape());
        dev.cnnc.compiler.ir.NoiseLayer shaped = (dev.cnnc.compiler.ir.NoiseLayer) m.layers().get(4);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {1, 5, 3}, shaped.maskShape());
        assertEquals(7L, shaped.seed());
        dev.cnnc.compiler.ir.NoiseLayer clipped = (dev.cnnc.compiler.ir.NoiseLayer) m.layers().get(7);
        assertEquals(1.0, clipped.amount()); // Keras clips the rate to [0, 1]: an inactive layer
        org.junit.jupiter.api.Assertions.assertFalse(clipped.active());
    }

    @Test
    void denseParameters() {
        Model m = Sources.model("input(576)\nDense(64)\nDense(10, use_bias=False)\n");
        assertEquals(576 * 64 + 64, m.layers().get(0).parameterCount());
        assertEquals(640, m.layers().get(1).parameterCount());
    }

    @Test
    void theMnistModelLayerByLayer() throws Exception {
        Model m = CnnCompiler.check(Sources.read(Sources.repositoryRoot().resolve("examples/mnist/MnistCnn.cnn"))).model();
        String[] shapes = {"26x26x32", "13x13x32", "11x11x64", "5x5x64", "3x3x64", "576", "64", "10"};
        long[] params = {320, 0, 18496, 0, 36928, 0, 36928, 650};
        for (int i = 0; i < shapes.length; i++) {
            assertEquals(shapes[i], m.layers().get(i).outputShape().toString());
            assertEquals(params[i], m.layers().get(i).parameterCount());
        }
        assertEquals(93322, m.parameterCount());
        assertEquals(2_794_240, m.multiplyAdds());
    }

    @Test
    void batchNormalizationKeepsTheShapeAndCountsFourValuesPerChannelTwoOfThemNonTrainable() {
        for (String source : new String[] {
            "input(28, 28, 1)\nConv2D(32, 3)\nBatchNormalization()\n",
            "from keras import layers, models\nmodel = models.Sequential()\n"
                    + "model.add(layers.Conv2D(32, (3, 3), input_shape=(28, 28, 1)))\nmodel.add(layers.BatchNormalization())\n"}) {
            dev.cnnc.compiler.ir.Model m = Sources.model(source);
            dev.cnnc.compiler.ir.BatchNormLayer bn = (dev.cnnc.compiler.ir.BatchNormLayer) m.layers().get(1);
            assertEquals(Shape.of(26, 26, 32), bn.outputShape());
            assertEquals(2, bn.axis());
            assertEquals(32, bn.channels());
            assertEquals(4 * 32, bn.parameterCount());
            assertEquals(2 * 32, bn.trainableParameterCount());
            assertEquals(320 + 128, m.parameterCount());
            assertEquals(320 + 64, m.trainableParameterCount());
        }
        dev.cnnc.compiler.ir.BatchNormLayer first = (dev.cnnc.compiler.ir.BatchNormLayer) Sources.model(
                "input(3, 8, 8)\nBatchNormalization(axis=1, center=False)\n").layers().get(0);
        assertEquals(0, first.axis());
        assertEquals(3, first.channels());
        assertEquals(64, first.inner());
        assertEquals(3 * 3, first.parameterCount());
        assertEquals(3, first.trainableParameterCount());
    }
}
