package dev.cnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.compiler.ir.Activation;
import dev.cnnc.runtime.Mode;
import dev.cnnc.runtime.Network;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every layer kind and option, forward against backward, by finite differences. */
class GradientCheckTest {

    /** Checks the portable code and the Vector API variant. */
    private static void check(String source) {
        for (boolean vector : new boolean[] {false, true}) {
            Network net = InMemoryCompiler.network(source, 7, 7, true, vector);
            new GradientCheck(net, 6, 11).run().assertPasses();
        }
    }

    /** Checks both variants in both modes: the modes differ for layers with batch statistics. */
    private static void checkBothModes(String source) {
        for (boolean vector : new boolean[] {false, true}) {
            for (Mode mode : Mode.values()) {
                Network net = InMemoryCompiler.network(source, 7, 7, true, vector);
                new GradientCheck(net, 6, 11, mode).run().assertPasses();
            }
        }
    }

    static Stream<String> batchNormalizations() {
        return Stream.of(
                "input(5, 4, 3)\nConv2D(4, 2, activation='tanh')\nBatchNormalization()\nFlatten()\nDense(3)\n",
                "input(3, 5, 4)\nConv2D(4, 2, data_format='channels_first')\nBatchNormalization(axis=1)\nFlatten()\nDense(2)\n",
                "input(6)\nDense(5)\nBatchNormalization(momentum=0.9, epsilon=0.01)\nDense(3, activation='softmax')\n",
                "input(6)\nBatchNormalization(center=False, gamma_initializer='he_normal')\nDense(2)\n",
                "input(4, 4, 2)\nBatchNormalization(scale=False, beta_initializer='ones')\nConv2D(2, 3)\nFlatten()\n"
                        + "Dense(4)\nBatchNormalization(axis=-1)\nDense(2)\n",
                "input(3, 3, 2)\nBatchNormalization(axis=2)\nFlatten()\nDense(2)\n",
                // enough channels for the Vector API code's vectors of channels and its single-channel tail
                "input(3, 3, 2)\nConv2D(20, 2)\nBatchNormalization()\nFlatten()\nDense(3)\n",
                "input(6)\nDense(36)\nBatchNormalization(scale=False, center=False)\nDense(2)\n");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("batchNormalizations")
    void batchNormalizationInTrainingAndInference(String source) {
        checkBothModes(source);
    }

    static Stream<Arguments> convolutions() {
        List<Arguments> cases = new ArrayList<>();
        String[][] geometry = {{"1", "1"}, {"2", "1"}, {"1", "2"}};
        for (String padding : new String[] {"valid", "same"}) {
            for (String[] sd : geometry) {
                for (String format : new String[] {"channels_last", "channels_first"}) {
                    for (String bias : new String[] {"True", "False"}) {
                        cases.add(Arguments.of(padding, sd[0], sd[1], format, bias));
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "padding={0} strides={1} dilation={2} {3} use_bias={4}")
    @MethodSource("convolutions")
    void conv2d(String padding, String strides, String dilation, String format, String bias) {
        String input = format.equals("channels_last") ? "input(7, 9, 2)" : "input(2, 7, 9)";
        check(input + "\nConv2D(3, (3, 2), strides=" + strides + ", dilation_rate=" + dilation + ", padding='" + padding
                + "', data_format='" + format + "', use_bias=" + bias + ")\n");
    }

    @Test
    void conv2dWithAWindowTooLargeToUnroll() {
        check("input(8, 8, 2)\nConv2D(2, (6, 5), padding='same')\n");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pools")
    void maxPooling(String layer) {
        check("input(7, 9, 3)\n" + layer + "\n");
    }

    static Stream<String> pools() {
        return Stream.of("MaxPooling2D()", "MaxPooling2D((2, 3), strides=(1, 2))", "MaxPooling2D(3, strides=2)",
                "MaxPooling2D((2, 2), padding='same')", "MaxPooling2D(3, strides=2, padding='same')",
                "MaxPooling2D((2, 2), data_format='channels_first')",
                "MaxPooling2D(2, strides=1, padding='same', data_format='channels_first')");
    }

    /**
     * A relu followed by max pooling: the pooling's backward pass takes the gradient through the relu
     * too and the model skips the relu's own pass (windows that tile the input, leave cells over,
     * overlap; both layouts; a plain Activation layer), except where an activity penalty needs it.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("reluIntoMaxPooling")
    void reluIntoMaxPooling(String source) {
        for (boolean vector : new boolean[] {false, true}) {
            Network net = InMemoryCompiler.network(source, 7, 7, true, vector);
            // along random directions, with a smaller step: element by element, a first-layer weight
            // moves several relu kinks and pooling winners at once (see theMnistArchitecture)
            new GradientCheck(net, 6, 11).step(1e-3).runDirectional().assertPasses();
        }
    }

    static Stream<String> reluIntoMaxPooling() {
        return Stream.of(
                "input(8, 8, 2)\nConv2D(20, 3, padding='same', activation='relu')\nMaxPooling2D(2)\nFlatten()\nDense(3)\n",
                "input(9, 9, 2)\nConv2D(20, 3, activation='relu')\nMaxPooling2D(2)\nFlatten()\nDense(3)\n",
                "input(7, 7, 2)\nConv2D(6, 2, activation='relu')\nMaxPooling2D(3, strides=2, padding='same')\nFlatten()\n"
                        + "Dense(3)\n",
                "input(2, 8, 8)\nConv2D(5, 3, padding='same', activation='relu', data_format='channels_first')\n"
                        + "MaxPooling2D(2, data_format='channels_first')\nFlatten()\nDense(3)\n",
                "input(6, 6, 3)\nConv2D(4, 1)\nActivation('relu')\nMaxPooling2D(2)\nFlatten()\nDense(2)\n",
                "input(8, 8, 2)\nConv2D(4, 3, activation='relu', activity_regularizer=l2(0.1))\nMaxPooling2D(2)\nFlatten()\n"
                        + "Dense(2)\n");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("averagePools")
    void averagePooling(String layer) {
        check("input(7, 9, 3)\n" + layer + "\n");
    }

    static Stream<String> averagePools() {
        return Stream.of("AveragePooling2D()", "AvgPool2D((2, 3), strides=(1, 2))", "AveragePooling2D(3, strides=2)",
                "AveragePooling2D((2, 2), padding='same')", "AveragePooling2D(3, strides=2, padding='same')",
                "AveragePooling2D((2, 2), data_format='channels_first')",
                "AveragePooling2D(3, strides=1, padding='same', data_format='channels_first')",
                "AveragePooling2D((6, 5), strides=1, padding='same')",
                "AveragePooling2D((6, 5), strides=2, padding='same', data_format='channels_first')");
    }

    @Test
    void globalPoolingInBothDataFormats() {
        check("input(3, 4, 5)\nGlobalAveragePooling2D()\nDense(2)\n");
        check("input(3, 4, 5)\nGlobalAvgPool2D(data_format='channels_first')\nDense(2)\n");
        check("input(3, 4, 5)\nGlobalMaxPooling2D()\nDense(2)\n");
        check("input(3, 4, 5)\nGlobalMaxPool2D(data_format='channels_first')\nDense(2)\n");
    }

    @Test
    void zeroPaddingAndCroppingInBothDataFormats() {
        check("input(3, 4, 2)\nZeroPadding2D(((1, 2), (0, 3)))\nConv2D(2, 2)\n");
        check("input(2, 3, 4)\nZeroPadding2D((2, 1), data_format='channels_first')\nConv2D(2, 2, data_format='channels_first')\n");
        check("input(5, 6, 2)\nCropping2D(((1, 2), (0, 3)))\nConv2D(2, 2)\n");
        check("input(2, 5, 6)\nCropping2D(1, data_format='channels_first')\nConv2D(2, 2, data_format='channels_first')\n");
    }

    @Test
    void reshapeAndPermute() {
        check("input(3, 4, 2)\nReshape((4, -1, 3))\nConv2D(2, 2)\n");
        check("input(12)\nReshape((2, 3, 2))\nConv2D(2, 2, data_format='channels_first')\n");
        check("input(3, 4, 2)\nPermute((2, 3, 1))\nConv2D(2, 2)\n");
        check("input(3, 4, 2)\nPermute((3, 1, 2))\nFlatten()\nDense(2)\n");
        check("input(3, 4, 2)\nReshape((6, 4))\nPermute((2, 1))\nReshape((2, 2, 6))\nConv2D(2, 2)\n");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("upSamplings")
    void upSampling(String layer) {
        String format = layer.contains("channels_first") ? ", data_format='channels_first'" : "";
        check("input(3, 4, 2)\n" + layer + "\nConv2D(2, 2" + format + ")\n");
    }

    static Stream<String> upSamplings() {
        return Stream.of("UpSampling2D()", "UpSampling2D((3, 2))", "UpSampling2D(3, data_format='channels_first')",
                "UpSampling2D(interpolation='bilinear')", "UpSampling2D((3, 2), interpolation='bilinear')",
                "UpSampling2D((2, 3), data_format='channels_first', interpolation='bilinear')");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("depthwise")
    void depthwiseConv2d(String layer) {
        String input = layer.contains("channels_first") ? "input(2, 7, 6)" : "input(7, 6, 2)";
        check(input + "\n" + layer + "\n");
    }

    static Stream<String> depthwise() {
        return Stream.of("DepthwiseConv2D(3)", "DepthwiseConv2D((3, 2), depth_multiplier=3, use_bias=False)",
                "DepthwiseConv2D(3, strides=2, padding='same', depth_multiplier=2, activation='tanh')",
                "DepthwiseConv2D((2, 3), strides=(1, 2), data_format='channels_first', depth_multiplier=2)",
                "DepthwiseConv2D(3, padding='same', data_format='channels_first', use_bias=False)",
                "DepthwiseConv2D((6, 5), padding='same', depthwise_regularizer=l2(0.1), bias_initializer='ones')");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("separable")
    void separableConv2d(String layer) {
        String input = layer.contains("channels_first") ? "input(2, 7, 6)" : "input(7, 6, 2)";
        check(input + "\n" + layer + "\n");
    }

    static Stream<String> separable() {
        return Stream.of("SeparableConv2D(3, 3)", "SeparableConv2D(2, (3, 2), depth_multiplier=3, use_bias=False)",
                "SeparableConv2D(3, 3, strides=2, padding='same', depth_multiplier=2, activation='tanh')",
                "SeparableConv2D(2, 2, dilation_rate=2, padding='same')",
                "SeparableConv2D(3, (2, 3), strides=(1, 2), data_format='channels_first', depth_multiplier=2)",
                "SeparableConv2D(2, 3, padding='same', data_format='channels_first', use_bias=False, "
                        + "pointwise_regularizer=l2(0.1), depthwise_regularizer=l1(0.05))",
                "SeparableConv2D(2, (6, 5), padding='same', bias_initializer='ones')");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transposed")
    void conv2dTranspose(String layer) {
        String input = layer.contains("channels_first") ? "input(2, 4, 5)" : "input(4, 5, 2)";
        check(input + "\n" + layer + "\n");
    }

    static Stream<String> transposed() {
        return Stream.of("Conv2DTranspose(3, 3)", "Conv2DTranspose(2, (3, 2), strides=2, use_bias=False)",
                "Conv2DTranspose(2, 3, strides=2, padding='same', activation='tanh')",
                "Conv2DTranspose(2, (4, 3), strides=(2, 3), padding='same', output_padding=(1, 2))",
                "Conv2DTranspose(2, 3, strides=2, output_padding=1, data_format='channels_first')",
                "Conv2DTranspose(3, 2, dilation_rate=2, padding='same', data_format='channels_first')",
                "Conv2DTranspose(2, 2, strides=3)", "Conv2DTranspose(2, (6, 5), padding='same')");
    }

    @Test
    void aSmallChainOfEveryKind() {
        Network net = InMemoryCompiler.network("input(8, 8, 1)\nConv2D(2, 3, activation='tanh')\nMaxPooling2D(2)\n"
                + "Conv2D(2, 2, activation='tanh')\nFlatten()\nDense(3, activation='softmax')\n", 3, 7, true);
        // With input seed 11, one pooling window holds two values 2.4e-4 apart: a kink within any
        // usable step. Seed 12 has none closer than the step moves them.
        new GradientCheck(net, 2, 12).step(1e-3).run().assertPasses();
    }

    @Test
    void dense() {
        check("input(6)\nDense(4)\nDense(3, use_bias=False)\n");
    }

    /** A batch of 13 examples: the Vector API Dense takes blocks of 4 rows, then single rows. */
    @Test
    void denseOverBlocksOfRows() {
        for (boolean vector : new boolean[] {false, true}) {
            Network net = InMemoryCompiler.network("input(7)\nDense(37, activation='tanh')\nDense(3)\n", 13, 7, true, vector);
            new GradientCheck(net, 13, 11).run().assertPasses();
        }
    }

    /**
     * The vector variant's depthwise passes with vectors of channels and a scalar tail (20 channels:
     * one or two vectors and 4 or 12 more): padded and valid, with strides (the input gradient added
     * tap by tap) and without (gathered from the padded output gradient), dilated, and with more taps
     * than are kept in registers (5x5).
     */
    @ParameterizedTest(name = "SeparableConv2D(6, 3, {0})")
    @ValueSource(strings = {"padding='same'", "padding='valid'", "strides=2, padding='same'", "strides=(2, 1)",
            "dilation_rate=2, padding='same'", "kernel_size=5"})
    void separableConvolutionsWithVectorsOfChannels(String options) {
        String arguments = (options.contains("kernel_size") ? "" : "3, ") + options + (options.isEmpty() ? "" : ", ");
        check("input(9, 7, 20)\nSeparableConv2D(6, " + arguments + "use_bias=False)\nFlatten()\nDense(3)\n");
    }

    /**
     * DepthwiseConv2D's vector passes (the same as SeparableConv2D's), with its bias and activation; with
     * strides, every class of input pixels of the input gradient (row and column modulo the strides), including
     * the rows that no tap reaches (strides 4 over a 3x3 kernel) and a class whose taps need zero rows below the
     * output gradient (strides 3 with 'same').
     */
    @ParameterizedTest(name = "DepthwiseConv2D(3, {0})")
    @ValueSource(strings = {"padding='same'", "padding='valid', activation='tanh'", "strides=2, padding='same'",
            "strides=(1, 2), use_bias=False", "strides=2", "strides=(3, 2), padding='same', activation='tanh'",
            "strides=4"})
    void depthwiseConvolutionsWithVectorsOfChannels(String options) {
        check("input(9, 7, 20)\nDepthwiseConv2D(3, " + options + ", bias_initializer=RandomNormal())\nFlatten()\n"
                + "Dense(3)\n");
    }

    /** Enough channels and units for the vector blocks (2 vectors wide) and their scalar tails. */
    @Test
    void wideLayersExerciseTheVectorBlocksAndTails() {
        check("input(9, 10, 5)\nConv2D(37, (3, 3), padding='same')\nConv2D(33, (2, 3), strides=2)\nFlatten()\n"
                + "Dense(70, activation='tanh')\nDense(35)\n");
        check("input(7, 7, 8)\nConv2D(64, 3, dilation_rate=2, padding='same', use_bias=False)\n");
        check("input(5, 6, 37)\nAveragePooling2D(3, strides=2, padding='same')\n");
        check("input(5, 6, 33)\nAveragePooling2D((6, 5), strides=1, padding='same')\n");
    }

    /**
     * First layers (fewer than 4 input channels): the kernel gradient by blocks of kernel rows, on a
     * zero-padded copy of each example where the padding is 'same'; filter counts that leave one
     * vector beyond the pairs of vectors (16, 20, 24 on some width) and scalar filters after it.
     */
    @Test
    void firstLayersWithFewChannels() {
        check("input(9, 8, 1)\nConv2D(16, 3, padding='same', use_bias=False)\nFlatten()\nDense(3)\n");
        check("input(9, 8, 3)\nConv2D(20, 3, padding='same', strides=2)\nFlatten()\nDense(3)\n");
        check("input(8, 9, 2)\nConv2D(37, (3, 2), padding='same', dilation_rate=2)\nFlatten()\nDense(3)\n");
        check("input(9, 8, 1)\nConv2D(24, 3, activation='tanh')\nFlatten()\nDense(3)\n");
    }

    @Test
    void flattenInBothDataFormats() {
        check("input(2, 3, 4)\nFlatten()\nDense(3)\n");
        check("input(2, 3, 4)\nFlatten(data_format='channels_first')\nDense(3)\n");
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void everyActivation(Activation a) {
        check("input(5)\nDense(4, activation='" + a.keras() + "', kernel_initializer=RandomNormal(stddev=0.5))\n");
    }

    @Test
    void activationsOnConvolutions() {
        check("input(5, 5, 2)\nConv2D(3, 3, activation='tanh', padding='same')\n");
        check("input(2, 5, 5)\nConv2D(3, 3, activation='softmax', data_format='channels_first')\n");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("activationLayers")
    void activationLayers(String layer) {
        check("input(3, 4, 2)\nConv2D(3, 2, kernel_initializer=RandomNormal(stddev=0.7), bias_initializer=RandomNormal(stddev=0.5))\n"
                + layer + "\nFlatten()\nDense(3)\n");
    }

    static Stream<String> activationLayers() {
        return Stream.of("Activation('tanh')", "Activation('relu')", "Activation('linear')", "Activation('softmax')",
                "Softmax()", "Softmax(axis=3)", "ReLU()", "ReLU(max_value=0.5)", "ReLU(negative_slope=0.2)",
                "ReLU(max_value=1.0, negative_slope=0.1, threshold=0.3)", "ReLU(threshold=-0.4)", "LeakyReLU()",
                "LeakyReLU(alpha=0.05)", "ELU()", "ELU(alpha=0.5)", "ThresholdedReLU()", "ThresholdedReLU(theta=0.2)",
                "PReLU(alpha_initializer=RandomUniform(-0.5, 0.5))", "PReLU(alpha_initializer='ones', shared_axes=[1, 2])",
                "PReLU(alpha_initializer=RandomNormal(stddev=0.5), shared_axes=3, alpha_regularizer=l2(0.1))");
    }

    @Test
    void activationLayersFirstAndOnFlatInputs() {
        check("input(6)\nLeakyReLU()\nDense(4)\nPReLU(alpha_initializer=RandomUniform(-1, 1))\nSoftmax()\n");
        check("input(6)\nActivation('sigmoid')\nDense(3)\nActivation('softmax')\n");
    }

    /** Noise layers in training mode: the same batch and seed give the same noise in every pass. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("noiseLayers")
    void noiseLayersInTraining(String layer) {
        for (boolean vector : new boolean[] {false, true}) {
            Network net = InMemoryCompiler.network("input(3, 4, 2)\nConv2D(3, 2)\n" + layer + "\nFlatten()\nDense(3)\n"
                    + layer.replace("SpatialDropout2D", "Dropout").replace("(None, 1, 1, 3)", "(None, None)") + "\n", 7, 7,
                    true, vector);
            new GradientCheck(net, 6, 11).training(5).run().assertPasses();
            new GradientCheck(net, 6, 11).run().assertPasses(); // inference: the identity
        }
    }

    static Stream<String> noiseLayers() {
        return Stream.of("Dropout(0.5)", "Dropout(0.3, seed=4)", "Dropout(0.5, noise_shape=(None, 1, 1, 3))",
                "SpatialDropout2D(0.4)", "GaussianNoise(0.5)", "GaussianDropout(0.4)", "Dropout(0.0)", "Dropout(1.0)");
    }

    @Test
    void kernelBiasAndActivityRegularizers() {
        check("input(5)\nDense(4, kernel_regularizer=l1_l2(l1=0.01, l2=0.02), bias_regularizer=l2(0.5), "
                + "bias_initializer='ones', activity_regularizer=l1(0.03))\nDense(2, activity_regularizer=l2(0.1))\n");
        check("input(5, 5, 1)\nConv2D(2, 3, kernel_regularizer=l2(0.1), activity_regularizer=l1_l2(0.01, 0.01))\n");
    }

    /**
     * The MNIST architecture end to end, with tanh in place of relu (relu is checked layer by layer
     * above), along random directions: element by element, a step on a first-layer weight moves
     * enough max-pooling winners downstream to blur single finite differences.
     */
    @Test
    void theMnistArchitecture() {
        Network net = InMemoryCompiler.network("""
                input(28, 28, 1)
                Conv2D(32, (3, 3), activation='tanh')
                MaxPooling2D((2, 2))
                Conv2D(64, (3, 3), activation='tanh')
                MaxPooling2D((2, 2))
                Conv2D(64, (3, 3), activation='tanh')
                Flatten()
                Dense(64, activation='tanh')
                Dense(10, activation='softmax')
                """, 2, 3, true);
        new GradientCheck(net, 2, 5).step(1e-3).runDirectional().assertPasses();
    }

    /** Softmax with categorical cross-entropy: the fused gradient (p - y) / N equals the derivative of the loss. */
    @Test
    void softmaxWithCrossEntropyFusedGradient() {
        Network net = InMemoryCompiler.network("input(6)\nDense(5, activation='softmax')\n", 3, 1, true);
        int n = 3;
        float[] x = new float[n * 6];
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        int[] labels = {1, 4, 0};
        float[] p = net.forward(x, n).clone();
        float[] dz = new float[n * 5];
        for (int b = 0; b < n; b++) {
            for (int k = 0; k < 5; k++) {
                dz[b * 5 + k] = (p[b * 5 + k] - (labels[b] == k ? 1 : 0)) / n;
            }
        }
        net.zeroGradients();
        net.backwardFromLogits(dz, n);
        float[] kernel = net.parameters().get(0).values();
        float[] analytic = net.parameters().get(0).gradients().clone();
        for (int i = 0; i < kernel.length; i++) {
            float saved = kernel[i];
            kernel[i] = saved + 1e-2f;
            double plus = crossEntropy(net.forward(x, n), labels);
            kernel[i] = saved - 1e-2f;
            double minus = crossEntropy(net.forward(x, n), labels);
            kernel[i] = saved;
            double numeric = (plus - minus) / ((double) (saved + 1e-2f) - (saved - 1e-2f));
            assertEquals(numeric, analytic[i], 1e-3 + 1e-2 * Math.abs(numeric), "kernel[" + i + "]");
        }
    }

    private static double crossEntropy(float[] p, int[] labels) {
        double l = 0;
        for (int b = 0; b < labels.length; b++) {
            l -= Math.log(p[b * 5 + labels[b]]);
        }
        return l / labels.length;
    }

    /** The check must catch a wrong gradient: corrupt one and see it fail. */
    @Test
    void theCheckFailsOnABrokenGradient() {
        Network net = InMemoryCompiler.network("input(4, 4, 1)\nConv2D(2, 3)\n", 2, 1, true);
        GradientCheck check = new GradientCheck(net, 2, 1);
        // A network whose backward is right passes...
        check.run();
        assertTrue(check.failures().isEmpty());
        // ...and one whose kernel gradient is scaled wrongly does not.
        Network broken = new BrokenGradient(net);
        GradientCheck wrong = new GradientCheck(broken, 2, 1).run();
        assertFalse(wrong.failures().isEmpty());
    }
}
