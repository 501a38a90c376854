package dev.cnnc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.compiler.ir.Model;
import dev.cnnc.compiler.summary.Summary;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SummaryTest {
    /** Keras 2.2.4's model.summary() for the MNIST convnet, byte for byte (rows padded to 65 columns). */
    static final String MNIST = String.join("\n",
            "_________________________________________________________________",
            "Layer (type)                 Output Shape              Param #   ",
            "=================================================================",
            "conv2d_1 (Conv2D)            (None, 26, 26, 32)        320       ",
            "_________________________________________________________________",
            "max_pooling2d_1 (MaxPooling2 (None, 13, 13, 32)        0         ",
            "_________________________________________________________________",
            "conv2d_2 (Conv2D)            (None, 11, 11, 64)        18496     ",
            "_________________________________________________________________",
            "max_pooling2d_2 (MaxPooling2 (None, 5, 5, 64)          0         ",
            "_________________________________________________________________",
            "conv2d_3 (Conv2D)            (None, 3, 3, 64)          36928     ",
            "_________________________________________________________________",
            "flatten_1 (Flatten)          (None, 576)               0         ",
            "_________________________________________________________________",
            "dense_1 (Dense)              (None, 64)                36928     ",
            "_________________________________________________________________",
            "dense_2 (Dense)              (None, 10)                650       ",
            "=================================================================",
            "Total params: 93,322",
            "Trainable params: 93,322",
            "Non-trainable params: 0",
            "_________________________________________________________________",
            "");

    private static Model example(String path) throws Exception {
        Path file = Sources.repositoryRoot().resolve(path);
        CnnCompiler.Checked checked = CnnCompiler.check(Sources.read(file));
        assertTrue(checked.ok(), checked.diagnostics().render());
        return checked.model();
    }

    @Test
    void mnistModelPrintsExactlyAsKeras() throws Exception {
        assertEquals(MNIST, Summary.of(example("examples/mnist/MnistCnn.cnn"), false));
    }

    @Test
    void kerasPasteOfTheSameModelPrintsTheSameTable() throws Exception {
        assertEquals(MNIST, Summary.of(example("examples/keras-paste/keras_paste.cnn"), false));
    }

    /**
     * BatchNormalization counts 4 values per channel (2 without scale or center), of which the moving
     * mean and variance are non-trainable; its step counter is not a Keras weight and is not counted.
     * Worked by hand from Keras 2.2.4's print_summary and BatchNormalization.build.
     */
    @Test
    void batchNormalizationCountsItsMovingStatisticsAsNonTrainable() throws Exception {
        String expected = String.join("\n",
                "_________________________________________________________________",
                "Layer (type)                 Output Shape              Param #   ",
                "=================================================================",
                "conv2d_1 (Conv2D)            (None, 6, 6, 4)           40        ",
                "_________________________________________________________________",
                "batch_normalization_1 (Batch (None, 6, 6, 4)           16        ",
                "_________________________________________________________________",
                "max_pooling2d_1 (MaxPooling2 (None, 3, 3, 4)           0         ",
                "_________________________________________________________________",
                "flatten_1 (Flatten)          (None, 36)                0         ",
                "_________________________________________________________________",
                "dense_1 (Dense)              (None, 8)                 296       ",
                "_________________________________________________________________",
                "batch_normalization_2 (Batch (None, 8)                 24        ",
                "_________________________________________________________________",
                "dense_2 (Dense)              (None, 3)                 27        ",
                "=================================================================",
                "Total params: 403",
                "Trainable params: 379",
                "Non-trainable params: 24",
                "_________________________________________________________________",
                "");
        assertEquals(expected, Summary.of(example("compiler/src/test/resources/golden/cases/BatchNorm.cnn"), false));
    }

    @Test
    void everyRowIsPaddedTo65Columns() throws Exception {
        String[] lines = Summary.of(example("examples/mnist/MnistCnn.cnn"), false).split("\n");
        for (String line : lines) {
            if (!line.startsWith("Total") && !line.startsWith("Trainable") && !line.startsWith("Non-trainable")) {
                assertEquals(65, line.length(), "'" + line + "'");
            }
        }
    }

    @Test
    void customNamesAndLongNamesAreCutLikeKeras() {
        Model m = Sources.model("input(4)\nDense(3, name='a_really_long_layer_name_for_dense')\nDense(2)\n");
        String[] lines = Summary.of(m, false).split("\n");
        assertEquals("a_really_long_layer_name_for (None, 3)                 15        ", lines[3]);
        assertEquals("dense_1 (Dense)              (None, 2)                 8         ", lines[5]);
    }

    /**
     * The layers beyond the MNIST set: Keras' automatic names and class names cut to the column as
     * print_row does; parameter counts worked by hand (depthwise 3*3*3*2 + 6; separable 3*3*6 + 6*4
     * + 4; transpose 3*3*2*4 + 2).
     */
    @Test
    void newLayerKindsPrintWithKerasNamesAndCounts() {
        Model m = Sources.model("""
                input(8, 8, 3)
                DepthwiseConv2D(3, depth_multiplier=2)
                SeparableConv2D(4, 3, padding='same')
                Conv2DTranspose(2, 3, strides=2)
                ZeroPadding2D(1)
                Cropping2D(((1, 0), (0, 1)))
                AveragePooling2D()
                UpSampling2D()
                Permute((3, 1, 2))
                Reshape((14, 14, 2))
                GlobalAveragePooling2D()
                """);
        String[] lines = Summary.of(m, false).split("\n");
        String[] expected = {
            "depthwise_conv2d_1 (Depthwis (None, 6, 6, 6)           60        ",
            "separable_conv2d_1 (Separabl (None, 6, 6, 4)           82        ",
            "conv2d_transpose_1 (Conv2DTr (None, 13, 13, 2)         74        ",
            "zero_padding2d_1 (ZeroPaddin (None, 15, 15, 2)         0         ",
            "cropping2d_1 (Cropping2D)    (None, 14, 14, 2)         0         ",
            "average_pooling2d_1 (Average (None, 7, 7, 2)           0         ",
            "up_sampling2d_1 (UpSampling2 (None, 14, 14, 2)         0         ",
            "permute_1 (Permute)          (None, 2, 14, 14)         0         ",
            "reshape_1 (Reshape)          (None, 14, 14, 2)         0         ",
            "global_average_pooling2d_1 ( (None, 2)                 0         ",
        };
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], lines[3 + 2 * i]);
        }
        assertTrue(Summary.of(m, false).contains("Total params: 216\n"));
    }

    @Test
    void flopsColumnAddsMultiplyAdds() throws Exception {
        String s = Summary.of(example("examples/mnist/MnistCnn.cnn"), true);
        String[] lines = s.split("\n");
        assertEquals("Layer (type)                 Output Shape              Param #   Mult-Adds      ", lines[1]);
        assertEquals("conv2d_1 (Conv2D)            (None, 26, 26, 32)        320       194,688        ", lines[3]);
        assertEquals("conv2d_2 (Conv2D)            (None, 11, 11, 64)        18496     2,230,272      ", lines[7]);
        assertTrue(s.contains("Multiply-adds per example: 2,794,240 (forward pass)\n"), s);
    }

    @Test
    void activationLayerRowsAsKerasPrintsThem() {
        Model m = Sources.model("input(4, 4, 2)\nActivation('relu')\nLeakyReLU()\nPReLU(shared_axes=[1, 2])\n"
                + "ThresholdedReLU()\nFlatten()\nDense(3)\nSoftmax()\n");
        String[] lines = Summary.of(m, false).split("\n");
        assertEquals("activation_1 (Activation)    (None, 4, 4, 2)           0         ", lines[3]);
        assertEquals("leaky_re_lu_1 (LeakyReLU)    (None, 4, 4, 2)           0         ", lines[5]);
        assertEquals("p_re_lu_1 (PReLU)            (None, 4, 4, 2)           2         ", lines[7]);
        assertEquals("thresholded_re_lu_1 (Thresho (None, 4, 4, 2)           0         ", lines[9]);
        assertEquals("softmax_1 (Softmax)          (None, 3)                 0         ", lines[15]);
        assertEquals("Total params: 101", lines[17]);
    }

    /** Keras 2.2.4's model.summary() for examples/mnist_cnn.py, byte for byte. */
    @Test
    void kerasMnistCnnExamplePrintsExactlyAsKeras() throws Exception {
        String expected = String.join("\n",
                "_________________________________________________________________",
                "Layer (type)                 Output Shape              Param #   ",
                "=================================================================",
                "conv2d_1 (Conv2D)            (None, 26, 26, 32)        320       ",
                "_________________________________________________________________",
                "conv2d_2 (Conv2D)            (None, 24, 24, 64)        18496     ",
                "_________________________________________________________________",
                "max_pooling2d_1 (MaxPooling2 (None, 12, 12, 64)        0         ",
                "_________________________________________________________________",
                "dropout_1 (Dropout)          (None, 12, 12, 64)        0         ",
                "_________________________________________________________________",
                "flatten_1 (Flatten)          (None, 9216)              0         ",
                "_________________________________________________________________",
                "dense_1 (Dense)              (None, 128)               1179776   ",
                "_________________________________________________________________",
                "dropout_2 (Dropout)          (None, 128)               0         ",
                "_________________________________________________________________",
                "dense_2 (Dense)              (None, 10)                1290      ",
                "=================================================================",
                "Total params: 1,199,882",
                "Trainable params: 1,199,882",
                "Non-trainable params: 0",
                "_________________________________________________________________",
                "");
        assertEquals(expected, Summary.of(example("examples/keras-mnist/src/main/cnn/dev/cnnc/examples/kerasmnist/"
                + "KerasMnistCnn.cnn"), false));
    }
}
