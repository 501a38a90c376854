package dev.cnnc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.compiler.diag.SourceFile;
import dev.cnnc.compiler.summary.Summary;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every layer kind in the two forms a user writes: the concise {@code .cnn} form and pasted Keras code
 * ({@code model.add(layers.X(..., input_shape=...))}, and {@code Sequential([...])} with classes imported
 * by name).
 * The three must give the same model: the same summary table, byte for byte.
 */
class PastedFormTest {

    /** A layer call and the input it needs: image layers get (8, 8, 3), vector layers (12,). */
    static Stream<String[]> layers() {
        return Stream.of(
                new String[] {"image", "Conv2D(4, (3, 3), padding='same', activation='relu')"},
                new String[] {"image", "DepthwiseConv2D((3, 3), depth_multiplier=2)"},
                new String[] {"image", "SeparableConv2D(5, (3, 3), padding='same')"},
                new String[] {"image", "Conv2DTranspose(4, (3, 3), strides=(2, 2))"},
                new String[] {"image", "MaxPooling2D((2, 2))"},
                new String[] {"image", "AveragePooling2D(pool_size=(2, 2), padding='same')"},
                new String[] {"image", "GlobalMaxPooling2D()"},
                new String[] {"image", "GlobalAveragePooling2D()"},
                new String[] {"image", "ZeroPadding2D(padding=((1, 0), (2, 1)))"},
                new String[] {"image", "Cropping2D(cropping=1)"},
                new String[] {"image", "UpSampling2D(size=(2, 2), interpolation='bilinear')"},
                new String[] {"image", "Reshape((24, 8))"},
                new String[] {"image", "Permute((3, 1, 2))"},
                new String[] {"image", "BatchNormalization(momentum=0.9)"},
                new String[] {"image", "SpatialDropout2D(0.2)"},
                new String[] {"image", "PReLU(shared_axes=[1, 2])"},
                new String[] {"image", "Flatten()"},
                new String[] {"vector", "Dense(6, activation='tanh')"},
                new String[] {"vector", "Activation('relu')"},
                new String[] {"vector", "ReLU(max_value=6.0)"},
                new String[] {"vector", "LeakyReLU(alpha=0.1)"},
                new String[] {"vector", "ELU(alpha=0.5)"},
                new String[] {"vector", "ThresholdedReLU(theta=0.5)"},
                new String[] {"vector", "Softmax()"},
                new String[] {"vector", "Dropout(0.5)"},
                new String[] {"vector", "GaussianNoise(0.1)"},
                new String[] {"vector", "GaussianDropout(0.2)"});
    }

    private static String summary(String name, String text) {
        CnnCompiler.Checked c = CnnCompiler.check(new SourceFile(name, text));
        assertTrue(c.ok(), c.diagnostics().render());
        return Summary.of(c.model(), false);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("layers")
    void theConciseAndThePastedKerasFormsGiveTheSameModel(String input, String layer) {
        String shape = input.equals("image") ? "(8, 8, 3)" : "(12,)";
        String concise = "model Net\ninput" + (input.equals("image") ? "(8, 8, 3)" : "(12)") + "\n" + layer + "\n";
        // the first layer takes the model's input shape, as in Keras scripts
        String first = layer.endsWith("()") ? layer.substring(0, layer.length() - 1) + "input_shape=" + shape + ")"
                : layer.substring(0, layer.length() - 1) + ", input_shape=" + shape + ")";
        String added = "from keras import layers, models\nmodel = models.Sequential(name='net')\n"
                + "model.add(layers." + first + ")\n";
        String kerasClass = layer.substring(0, layer.indexOf('('));
        String listed = "from keras.models import Sequential\nfrom keras.layers import " + kerasClass + "\n"
                + "net = Sequential([\n    " + first + ",\n], name='net')\n";
        String expected = summary("net.cnn", concise);
        for (String pasted : List.of(added, listed)) {
            assertEquals(expected, summary("net.cnn", pasted), pasted);
        }
    }
}
