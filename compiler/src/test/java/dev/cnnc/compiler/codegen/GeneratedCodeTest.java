package dev.cnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.compiler.codegen.GeneratedFile;
import dev.cnnc.compiler.CnnCompiler;
import dev.cnnc.compiler.load.InMemoryJavaCompiler;
import dev.cnnc.compiler.Sources;
import dev.cnnc.compiler.ir.Model;
import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.Parameter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Properties of the generated code as code: it compiles, stays JIT-sized, is deterministic, and behaves as a Network. */
class GeneratedCodeTest {
    /** HotSpot does not JIT-compile methods with more bytecode than this ({@code -XX:-DontCompileHugeMethods}). */
    static final int HUGE_METHOD_LIMIT = 8000;

    static final String MNIST = """
            model MnistCnn
            input(28, 28, 1)
            Conv2D(32, (3, 3), activation='relu')
            MaxPooling2D((2, 2))
            Conv2D(64, (3, 3), activation='relu')
            MaxPooling2D((2, 2))
            Conv2D(64, (3, 3), activation='relu')
            Flatten()
            Dense(64, activation='relu')
            Dense(10, activation='softmax')
            """;

    /** Every example file, and models that stress method size: 5x5 windows with same padding, big channel counts. */
    static Stream<Model> models() throws Exception {
        List<Model> models = new ArrayList<>();
        for (Path p : Sources.exampleFiles()) {
            CnnCompiler.Checked c = CnnCompiler.check(Sources.read(p));
            if (c.ok()) {
                models.add(c.model());
            }
        }
        models.add(InMemoryCompiler.model(MNIST));
        models.add(InMemoryCompiler.model("""
                input(32, 32, 3)
                Conv2D(64, (5, 5), padding='same', activation='elu', kernel_regularizer=l2(0.01))
                MaxPooling2D((5, 5), strides=1, padding='same')
                Conv2D(128, (5, 5), strides=2, padding='same', kernel_constraint=max_norm(2.0))
                Conv2D(16, (5, 5), dilation_rate=2, padding='same', data_format='channels_last')
                Conv2D(8, (9, 9), padding='same')
                Flatten()
                Dense(10, activation='softmax')
                """));
        models.add(InMemoryCompiler.model("""
                input(3, 32, 32)
                Conv2D(64, (5, 5), padding='same', data_format='channels_first', activation='selu')
                MaxPooling2D((5, 5), strides=2, padding='same', data_format='channels_first')
                Flatten(data_format='channels_first')
                Dense(10, activation='sigmoid', activity_regularizer=l1(0.01))
                """));
        for (String format : List.of("channels_last", "channels_first")) {
            String f = "data_format='" + format + "'";
            models.add(InMemoryCompiler.model("input(32, 32, 32)\n"
                    + "DepthwiseConv2D((5, 5), padding='same', depth_multiplier=2, activation='elu', " + f + ")\n"
                    + "DepthwiseConv2D((5, 5), padding='same', " + f + ")\n"
                    + "DepthwiseConv2D((5, 5), strides=2, padding='same', " + f + ")\n"
                    + "SeparableConv2D(64, (5, 5), strides=2, padding='same', depth_multiplier=2, " + f + ")\n"
                    + "SeparableConv2D(16, (5, 5), dilation_rate=2, padding='same', " + f + ")\n"
                    + "Conv2DTranspose(32, (5, 5), strides=2, padding='same', output_padding=1, activation='relu', " + f + ")\n"
                    + "Conv2DTranspose(8, (9, 9), padding='same', " + f + ")\n"
                    + "AveragePooling2D((5, 5), strides=1, padding='same', " + f + ")\n"
                    + "AveragePooling2D((9, 9), strides=2, padding='same', " + f + ")\n"
                    + "ZeroPadding2D(((1, 2), (3, 4)), " + f + ")\nCropping2D(((2, 1), (4, 3)), " + f + ")\n"
                    + "UpSampling2D((2, 3), interpolation='bilinear', " + f + ")\nUpSampling2D(" + f + ")\n"
                    + "Permute((2, 3, 1))\nReshape((-1, 32, 8))\nGlobalMaxPooling2D(" + f + ")\nDense(10)\n"));
        }
        return models.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void everyGeneratedMethodIsSmallEnoughForTheJit(Model model) {
        for (int variant = 0; variant < 4; variant++) {
            List<GeneratedFile> files = CnnCompiler.generate(model, new CnnCompiler.Options("test", variant % 2 == 1,
                    variant >= 2));
            InMemoryJavaCompiler.Compiled compiled = InMemoryCompiler.compile(files);
            for (Map.Entry<String, byte[]> c : compiled.classFiles().entrySet()) {
                ClassFiles.codeLengths(c.getValue()).forEach((method, length) -> assertTrue(length < HUGE_METHOD_LIMIT,
                        c.getKey() + "." + method + " has " + length + " bytes of bytecode"));
            }
        }
    }

    @Test
    void theTrainingConfigurationCarriesEveryOptimizerSetting() {
        dev.cnnc.runtime.TrainingConfig nadam = InMemoryCompiler.network("""
                input(4)
                Dense(2, activation='softmax')
                compile(optimizer=keras.optimizers.Nadam(lr=0.001, schedule_decay=0.01, clipnorm=1.5, clipvalue=0.25),
                        loss=keras.losses.categorical_crossentropy)
                """, 1, 7, false).trainingConfig();
        assertEquals(dev.cnnc.runtime.optim.OptimizerKind.NADAM, nadam.optimizer());
        assertEquals(0.001, nadam.learningRate());
        assertEquals(0.01, nadam.scheduleDecay());
        assertEquals(1.5, nadam.clipnorm());
        assertEquals(0.25, nadam.clipvalue());
        assertEquals(dev.cnnc.runtime.optim.LossKind.CATEGORICAL_CROSSENTROPY, nadam.loss());
        dev.cnnc.runtime.TrainingConfig adadelta = InMemoryCompiler.network("""
                input(4)
                Dense(2, activation='softmax')
                compile(optimizer=Adadelta(), loss='categorical_crossentropy')
                """, 1, 7, false).trainingConfig();
        assertEquals(dev.cnnc.runtime.optim.OptimizerKind.ADADELTA, adadelta.optimizer());
        assertEquals(1.0, adadelta.learningRate());
        assertEquals(0.95, adadelta.rho());
        assertEquals(0.0, adadelta.clipnorm());
        assertEquals("Adadelta(lr=1.0, rho=0.95, epsilon=1e-07)",
                dev.cnnc.runtime.optim.Optimizer.create(adadelta, List.of()).describe());
    }

    @Test
    void filesAreMarkedAsGenerated() {
        for (GeneratedFile f : CnnCompiler.generate(InMemoryCompiler.model(MNIST), CnnCompiler.Options.defaults())) {
            String text = f.text();
            assertTrue(text.startsWith("// Generated by cnnc from Test.cnn. Do not edit.\n"), text);
            assertTrue(text.contains("@Generated("), text);
        }
    }

    @Test
    void maxPoolingTakesTheGradientThroughThePreviousRelu() {
        for (CnnCompiler.Variant variant : CnnCompiler.Variant.values()) {
            String model = modelSource(MNIST, variant);
            assertTrue(model.contains("// conv2d_1's relu: applied by max_pooling2d_1's backward pass"), model);
            assertFalse(model.contains("Conv2d1.activationBackward"), model);
            assertFalse(model.contains("Conv2d2.activationBackward"), model);
            assertTrue(model.contains("Conv2d3.activationBackward"), model);
            // an activity penalty's gradient must go through the relu: no fusion
            String penalized = modelSource("input(8, 8, 2)\nConv2D(4, 3, activation='relu', activity_regularizer=l2(0.1))\n"
                    + "MaxPooling2D(2)\nFlatten()\nDense(2)\n", variant);
            assertTrue(penalized.contains("Conv2d1.activationBackward"), penalized);
        }
    }

    private static String modelSource(String source, CnnCompiler.Variant variant) {
        List<GeneratedFile> files = CnnCompiler.generate(InMemoryCompiler.model(source),
                CnnCompiler.Options.defaults().withVariant(variant));
        return files.get(files.size() - 1).text();
    }

    @Test
    void sameSeedSameWeightsDifferentSeedDifferentWeights() {
        Network a = InMemoryCompiler.network(MNIST, 1, 42, false);
        Network b = InMemoryCompiler.network(MNIST, 4, 42, false);
        Network c = InMemoryCompiler.network(MNIST, 1, 43, false);
        for (int i = 0; i < a.parameters().size(); i++) {
            assertArrayEquals(a.parameters().get(i).values(), b.parameters().get(i).values());
        }
        assertFalse(java.util.Arrays.equals(a.parameters().get(0).values(), c.parameters().get(0).values()));
    }

    @Test
    void glorotUniformDrawsWithinKerasLimitsAndBiasesStartAtZero() {
        Network net = InMemoryCompiler.network(MNIST, 1, 7, false);
        double[] limits = {Math.sqrt(6.0 / (9 + 288)), Math.sqrt(6.0 / (288 + 576)), Math.sqrt(6.0 / (576 + 576)),
            Math.sqrt(6.0 / (576 + 64)), Math.sqrt(6.0 / (64 + 10))};
        List<Parameter> p = net.parameters();
        for (int layer = 0; layer < 5; layer++) {
            float[] kernel = p.get(2 * layer).values();
            double max = 0;
            double sumSquares = 0;
            for (float w : kernel) {
                max = Math.max(max, Math.abs(w));
                sumSquares += w * w;
            }
            assertTrue(max <= limits[layer], p.get(2 * layer).name());
            assertTrue(max > 0.95 * limits[layer], p.get(2 * layer).name() + " should fill its range");
            // variance of U(-l, l) is l^2 / 3
            assertEquals(limits[layer] * limits[layer] / 3, sumSquares / kernel.length, 0.15 * limits[layer] * limits[layer]);
            for (float bias : p.get(2 * layer + 1).values()) {
                assertEquals(0f, bias);
            }
        }
    }

    @Test
    void parametersUseKerasNamesAndLayouts() {
        Network net = InMemoryCompiler.network(MNIST, 1, 7, false);
        assertEquals("conv2d_2/kernel", net.parameters().get(2).name());
        assertArrayEquals(new int[] {3, 3, 32, 64}, net.parameters().get(2).shape());
        assertArrayEquals(new int[] {576, 64}, net.parameters().get(6).shape());
        assertEquals(93322, net.parameters().stream().mapToInt(Parameter::size).sum());
        assertEquals(93322L, net.parameterCount());
        assertEquals("softmax", net.outputActivation().keras());
        assertTrue(net.summary().contains("Total params: 93,322"));
    }

    @Test
    void predictGivesProbabilitiesAndMatchesABatchedForward() {
        Network net = InMemoryCompiler.network(MNIST, 8, 7, false);
        float[] images = new float[3 * 784];
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < images.length; i++) {
            images[i] = r.nextFloat();
        }
        float[] batch = net.forward(images, 3).clone();
        float[] one = new float[784];
        System.arraycopy(images, 784, one, 0, 784);
        float[] p = net.predict(one);
        double sum = 0;
        for (int k = 0; k < 10; k++) {
            sum += p[k];
            assertEquals(batch[10 + k], p[k], 0f, "the same example gives the same output alone or in a batch");
        }
        assertEquals(1.0, sum, 1e-5);
    }

    @Test
    void replicasShareParameterValuesButNotGradientsOrBuffers() {
        Network net = InMemoryCompiler.network(MNIST, 4, 7, false);
        Network replica = net.replica(2);
        assertEquals(2, replica.batchSize());
        for (int i = 0; i < net.parameters().size(); i++) {
            assertSame(net.parameters().get(i).values(), replica.parameters().get(i).values());
            assertNotEqualsSame(net.parameters().get(i).gradients(), replica.parameters().get(i).gradients());
        }
        float[] x = new float[784];
        float[] a = net.forward(x, 1);
        float[] b = replica.forward(x, 1);
        assertFalse(a == b, "output buffers must not be shared");
        assertArrayEquals(java.util.Arrays.copyOf(a, 10), java.util.Arrays.copyOf(b, 10));
    }

    private static void assertNotEqualsSame(float[] a, float[] b) {
        assertFalse(a == b, "gradients must not be shared");
    }

    @Test
    void batchSizeAndBufferLengthsAreChecked() {
        Network net = InMemoryCompiler.network(MNIST, 2, 7, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.forward(new float[3 * 784], 3));
        assertEquals("batch of 3 examples; this model takes 1 to 2", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> net.forward(new float[700], 1));
        assertThrows(IllegalArgumentException.class, () -> net.predict(new float[10]));
    }

    @Test
    void constraintsFollowKeras() {
        Network net = InMemoryCompiler.network("input(2)\nDense(2, kernel_constraint=max_norm(1.0), "
                + "bias_constraint=non_neg(), bias_initializer=Constant(-1))\n"
                + "Dense(2, kernel_constraint=unit_norm(axis=1), use_bias=False)\n", 1, 1, false);
        float[] k1 = net.parameters().get(0).values();
        System.arraycopy(new float[] {3, 0.1f, 4, 0.2f}, 0, k1, 0, 4); // columns (3, 4) and (0.1, 0.2)
        float[] k2 = net.parameters().get(2).values();
        System.arraycopy(new float[] {3, 4, 1, 0}, 0, k2, 0, 4); // rows (3, 4) and (1, 0)
        net.applyConstraints();
        // max_norm over axis 0: the column of norm 5 is scaled to norm 1, the small one kept
        assertArrayEquals(new float[] {0.6f, 0.1f, 0.8f, 0.2f}, k1, 1e-6f);
        assertArrayEquals(new float[] {0, 0}, net.parameters().get(1).values(), 0f);
        // unit_norm over axis 1: each row to norm 1
        assertArrayEquals(new float[] {0.6f, 0.8f, 1, 0}, k2, 1e-6f);
    }

    @Test
    void regularizationLossIsKerasUnscaledSum() {
        Network net = InMemoryCompiler.network("input(2)\nDense(2, kernel_regularizer=l1_l2(l1=0.1, l2=0.2), "
                + "kernel_initializer='ones', bias_regularizer=l2(1.0), bias_initializer=Constant(0.5))\n", 1, 1, false);
        assertEquals(4 * 0.1 + 4 * 0.2 + 2 * 0.25, net.regularizationLoss(), 1e-6);
    }

    @Test
    void hostileNamesAndTextCannotChangeTheGeneratedCode() {
        String source = """
                # a comment with */ and \\u000a and "quotes"
                model Evil
                input(4)
                Dense(3, name='x */ class Y { \\u0022 } /*')
                Dense(2, name='z\\\\u000aSystem.exit(1);')
                """;
        Model model = InMemoryCompiler.model(source);
        Network net = InMemoryCompiler.network(model, 1, 1, false);
        assertEquals("x */ class Y { \" } /*/kernel", net.parameters().get(0).name());
        assertEquals("z\\u000aSystem.exit(1);/kernel", net.parameters().get(2).name());
        // the hostile names changed no code: the network computes Dense(3) then Dense(2) on its input
        float[] x = {1, 2, -1, 0.5f};
        assertArrayEquals(InMemoryCompiler.reference(net, x), net.forward(x, 1).clone(), 1e-6f);
    }

    @Test
    void keywordLikeModelNamesGetASafeLayerPackage() {
        Model model = InMemoryCompiler.model("model Int\ninput(4)\nDense(2)\n");
        List<GeneratedFile> files = CnnCompiler.generate(model, new CnnCompiler.Options("test", false, false));
        assertEquals("test.int_", files.get(0).packageName());
        InMemoryCompiler.compile(files);
    }

    @Test
    void layerClassesMayShareNamesWithJavaLangClassesTheCodeDoesNotUse() {
        // compiling at all is the property (javac would fail on a shadowed Thread or Character); then it computes
        Network net = InMemoryCompiler.network("model Net\ninput(4)\nDense(3, name='thread')\nDense(2, name='process')\n"
                + "Dense(2, name='character')\n", 1, 1, false);
        float[] x = {1, 2, 3, 4};
        assertArrayEquals(InMemoryCompiler.reference(net, x), net.forward(x, 1).clone(), 1e-6f);
    }

    @Test
    void namesThatWouldShadowClassesTheCodeUsesAreRefused() {
        for (String name : new String[] {"string", "object", "network", "math", "float_vector"}) {
            var checked = dev.cnnc.compiler.CnnCompiler.check(new dev.cnnc.compiler.diag.SourceFile("T.cnn",
                    "input(4)\nDense(2, name='" + name + "')\n"));
            assertFalse(checked.ok(), name);
            assertTrue(checked.diagnostics().all().get(0).message().contains("would shadow the class"), name);
        }
    }
}
