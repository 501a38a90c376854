package dev.cnnc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.compiler.diag.SourceFile;
import dev.cnnc.compiler.ir.Training;
import dev.cnnc.compiler.summary.Summary;
import dev.cnnc.compiler.syntax.Script;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keras training scripts pasted whole: every file under {@code src/test/resources/scripts/} is a
 * script of our own in the forms Keras' examples, Deep Learning with Python and TensorFlow's
 * tutorials use. Each must check with exactly its {@code # expect:} diagnostics (notes included),
 * print exactly the summary Keras prints for it (its {@code .summary} file) and carry its
 * {@code compile}/{@code fit} settings ({@code # training:} line).
 */
class ScriptTest {
    static Stream<Path> scripts() throws IOException, URISyntaxException {
        Path dir = Path.of(ScriptTest.class.getResource("/scripts").toURI());
        return Files.list(dir).filter(p -> p.toString().endsWith(".py")).sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scripts")
    void checksSummarisesAndKeepsItsTrainingSettings(Path file) throws IOException {
        SourceFile source = SourceFile.read(file, file.getFileName().toString());
        CnnCompiler.Checked checked = CnnCompiler.check(source);
        assertTrue(checked.ok(), checked.diagnostics().render());

        List<String> expected = source.text().lines().filter(l -> l.startsWith("# expect: "))
                .map(l -> l.substring("# expect: ".length())).toList();
        List<String> actual = checked.diagnostics().all().stream()
                .map(d -> d.headline().substring(source.name().length() + 1)).toList();
        assertEquals(expected, actual, checked.diagnostics().render());

        Path summary = file.resolveSibling(file.getFileName().toString().replace(".py", ".summary"));
        assertEquals(Files.readString(summary, StandardCharsets.UTF_8), Summary.of(checked.model(), false));

        String line = source.text().lines().filter(l -> l.startsWith("# training: ")).findFirst().orElse(null);
        assertNotNull(line, file + " has no '# training:' line");
        Map<String, String> want = new LinkedHashMap<>();
        for (String pair : line.substring("# training: ".length()).split(" ")) {
            want.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        Training t = checked.model().training();
        Map<String, String> got = new LinkedHashMap<>();
        got.put("optimizer", t.optimizer().kind().name());
        got.put("lr", Double.toString(t.optimizer().learningRate()));
        got.put("epochs", Integer.toString(t.epochs()));
        got.put("batch_size", Integer.toString(t.batchSize()));
        got.put("validate_on_test", Boolean.toString(t.validateOnTest()));
        if (want.containsKey("augment")) {
            got.put("augment", Boolean.toString(t.augment() != null));
        }
        if (want.containsKey("from_logits")) {
            got.put("from_logits", Boolean.toString(t.fromLogits()));
        }
        if (want.containsKey("initial_epoch")) {
            got.put("initial_epoch", Integer.toString(t.initialEpoch()));
        }
        assertEquals(want, got);
    }

    @Test
    void channelsFirstReadsTheOtherBranchAndMakesLayersChannelsFirst() throws IOException, URISyntaxException {
        Path file = Path.of(ScriptTest.class.getResource("/scripts/mnist_convnet.py").toURI());
        SourceFile source = SourceFile.read(file, "mnist_convnet.py");
        CnnCompiler.Checked checked = CnnCompiler.check(source, new Script.Options(true));
        assertTrue(checked.ok(), checked.diagnostics().render());
        String summary = Summary.of(checked.model(), false);
        assertTrue(summary.contains("conv2d_1 (Conv2D)            (None, 32, 26, 26)        320"), summary);
        assertTrue(summary.contains("max_pooling2d_1 (MaxPooling2 (None, 64, 12, 12)        0"), summary);
        assertTrue(checked.diagnostics().render().contains("== 'channels_first' (cnnc check "
                + "--image-data-format=channels_last reads the other)"), checked.diagnostics().render());
    }

    private static CnnCompiler.Checked check(String text) {
        return CnnCompiler.check(new SourceFile("t.py", text));
    }

    @Test
    void constantsFollowPythonsArithmetic() {
        CnnCompiler.Checked c = check("""
                base = 8
                filters = base * 4           # 32
                half = filters // 3          # 10
                size = 28
                shape = (size, size) + (1,)
                rate = 1 / 4                 # 0.25, not 0
                kernel = [3] * 2
                model = Sequential()
                model.add(Conv2D(filters, (kernel[0], kernel[-1]), input_shape=shape))
                model.add(Dropout(rate))
                model.add(Flatten())
                model.add(Dense(half ** 1 % 7 + 2 ** 2 - (-1)))   # 3 + 4 + 1 = 8
                """);
        assertTrue(c.ok(), c.diagnostics().render());
        String summary = Summary.of(c.model(), false);
        assertTrue(summary.contains("(None, 26, 26, 32)        320"), summary);
        assertTrue(summary.contains("dense_1 (Dense)              (None, 8)"), summary);
    }

    @Test
    void anUndefinedNameIsLocatedWithWhereToDefineIt() {
        CnnCompiler.Checked c = check("""
                model = Sequential()
                model.add(Dense(num_classes, input_shape=(4,)))
                """);
        assertFalse(c.ok());
        assertEquals(List.of("t.py:2:17: error: units must be a positive integer, found the name num_classes, which is "
                + "not defined: define it above line 2, such as num_classes = 10, or write the value here"),
                c.diagnostics().all().stream().map(d -> d.headline()).toList());
    }

    @Test
    void aStatementCnncCannotClassifyIsAWarningAtItsPlace() {
        CnnCompiler.Checked c = check("""
                model = Sequential([Dense(2, input_shape=(4,))])
                model.layers[0].trainable = False
                """);
        assertTrue(c.ok(), c.diagnostics().render());
        assertEquals(List.of("t.py:2:1: warning: not understood, so ignored: model.layers[0].trainable = False"),
                c.diagnostics().all().stream().map(d -> d.headline()).toList());
    }

    @Test
    void aModelBuiltInALoopIsRefused() {
        CnnCompiler.Checked c = check("""
                model = Sequential()
                model.add(Dense(4, input_shape=(4,)))
                for units in (8, 4):
                    model.add(Dense(units))
                """);
        assertFalse(c.ok());
        assertTrue(c.diagnostics().render().contains("t.py:3:1: error: a model built or trained inside a 'for' loop is "
                + "not supported"), c.diagnostics().render());
    }

    @Test
    void anIfOnConstantsTakesItsBranchAndAnIfOnDataAroundTheModelWarns() {
        CnnCompiler.Checked c = check("""
                deep = False
                model = Sequential()
                model.add(Dense(4, input_shape=(4,)))
                if deep:
                    model.add(Dense(64))
                elif 2 > 1:
                    model.add(Dense(3))
                if x_train.ndim == 4:
                    model.add(Dense(5))
                """);
        assertTrue(c.ok(), c.diagnostics().render());
        String summary = Summary.of(c.model(), false);
        assertTrue(summary.contains("dense_2 (Dense)              (None, 3)"), summary);
        assertFalse(summary.contains("dense_3"), summary);
        assertTrue(c.diagnostics().render().contains("t.py:8:4: warning: cnnc cannot decide 'if x_train.ndim == 4' "
                + "before training, so it reads neither branch"), c.diagnostics().render());
    }

    @Test
    void layersKeptInListsAndVariablesAndAnAliasedModule() {
        CnnCompiler.Checked c = check("""
                from keras.layers import Dense, Flatten, InputLayer
                from keras import layers as L
                import keras
                feature_layers = [InputLayer(input_shape=(6, 6, 1)), L.Conv2D(4, 3), Flatten()]
                head = Dense(2, activation='softmax')
                model = keras.models.Sequential(feature_layers + [head])
                opt = keras.optimizers.SGD(lr=0.1, momentum=0.9)
                model.compile(optimizer=opt, loss='categorical_crossentropy', metrics=['acc'])
                model.fit(epochs=3, initial_epoch=1)
                """);
        assertTrue(c.ok(), c.diagnostics().render());
        String summary = Summary.of(c.model(), false);
        assertTrue(summary.contains("conv2d_1 (Conv2D)            (None, 4, 4, 4)           40"), summary);
        assertTrue(summary.contains("dense_1 (Dense)              (None, 2)                 130"), summary);
        assertEquals(0.1, c.model().training().optimizer().learningRate());
        assertEquals(0.9, c.model().training().optimizer().momentum());
        assertEquals(1, c.model().training().initialEpoch());
    }

    @Test
    void pythonStringFormsAndContinuations() {
        String q = "'''";
        CnnCompiler.Checked c = check("r" + q + "raw docstring with \\d and 'quotes'\n over two lines" + q + "\n"
                + "b\"bytes\"; u'unicode'\n"
                + "name = 'conv' 'net' \\\n    \"_1\"\n"
                + "model = Sequential(name=name)\n"
                + "model.add(Dense(2, input_shape=(3,), name=f'out'))\n");
        assertTrue(c.ok(), c.diagnostics().render());
        assertEquals("Convnet1", c.model().name()); // convnet_1, as Sequential(name=...) names classes
        assertTrue(Summary.of(c.model(), false).contains("out (Dense)"));
    }

    @Test
    void hostileConstantsStayCheap() {
        // (-1) ** huge, 0 ** huge, a huge repetition and a scalar reshape: evaluated (or left alone) at once
        CnnCompiler.Checked c = check("""
                a = (-1) ** 1000000000000000000
                b = 0 ** 1000000000000000000
                c = [1] * 100000000000
                (x, y), (t, u) = mnist.load_data()
                s = x[0, 0, 0].reshape(())
                n = len(s)
                model = Sequential([Dense(a + 2 + b, input_shape=(4,))])
                """);
        assertTrue(c.ok(), c.diagnostics().render());
        assertTrue(Summary.of(c.model(), false).contains("dense_1 (Dense)              (None, 3)"));
    }
}
