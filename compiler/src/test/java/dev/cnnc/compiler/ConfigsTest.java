package dev.cnnc.compiler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.compiler.ir.Conv2DLayer;
import dev.cnnc.compiler.ir.DenseLayer;
import dev.cnnc.compiler.ir.WeightOptions;
import dev.cnnc.compiler.ir.Activation;
import dev.cnnc.compiler.ir.Constraint;
import dev.cnnc.compiler.ir.Initializer;
import dev.cnnc.compiler.ir.Initializer.FanMode;
import dev.cnnc.compiler.ir.Loss;
import dev.cnnc.compiler.ir.Model;
import dev.cnnc.compiler.ir.Optimizer;
import dev.cnnc.compiler.ir.Regularizer;
import dev.cnnc.compiler.ir.Training;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Activations, initializers, regularizers, constraints, optimizers and losses, with Keras 2.2.4 defaults. */
class ConfigsTest {

    private static WeightOptions dense(String args) {
        Model m = Sources.model("input(8)\nDense(4" + args + ")\n");
        return ((DenseLayer) m.layers().get(0)).options();
    }

    @Test
    void kerasDefaults() {
        WeightOptions w = dense("");
        assertEquals(Activation.LINEAR, w.activation());
        assertTrue(w.useBias());
        assertEquals(new Initializer.VarianceScaling("glorot_uniform", 1.0, FanMode.FAN_AVG, true, null),
                w.kernelInitializer());
        assertEquals(new Initializer.Constant(0), w.biasInitializer());
        assertNull(w.kernelRegularizer());
        assertNull(w.kernelConstraint());
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void everyActivationByName(Activation a) {
        assertEquals(a, dense(", activation='" + a.keras() + "'").activation());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "'zeros'                                      | Constant[value=0.0]",
        "'ones'                                       | Constant[value=1.0]",
        "Constant(value=0.5)                          | Constant[value=0.5]",
        "'random_normal'                              | RandomNormal[mean=0.0, stddev=0.05, seed=null]",
        "RandomNormal(mean=0.0, stddev=0.01, seed=7)  | RandomNormal[mean=0.0, stddev=0.01, seed=7]",
        "initializers.random_uniform(-1, 1)           | RandomUniform[minval=-1.0, maxval=1.0, seed=null]",
        "'truncated_normal'                           | TruncatedNormal[mean=0.0, stddev=0.05, seed=null]",
        "'variance_scaling'                           | VarianceScaling[name=null, scale=1.0, mode=FAN_IN, uniform=false, seed=null]",
        "VarianceScaling(2.0, 'fan_out', 'uniform')   | VarianceScaling[name=null, scale=2.0, mode=FAN_OUT, uniform=true, seed=null]",
        "'glorot_normal'                              | VarianceScaling[name=glorot_normal, scale=1.0, mode=FAN_AVG, uniform=false, seed=null]",
        "'glorot_uniform'                             | VarianceScaling[name=glorot_uniform, scale=1.0, mode=FAN_AVG, uniform=true, seed=null]",
        "he_normal(seed=1)                            | VarianceScaling[name=he_normal, scale=2.0, mode=FAN_IN, uniform=false, seed=1]",
        "'he_uniform'                                 | VarianceScaling[name=he_uniform, scale=2.0, mode=FAN_IN, uniform=true, seed=null]",
        "'lecun_normal'                               | VarianceScaling[name=lecun_normal, scale=1.0, mode=FAN_IN, uniform=false, seed=null]",
        "'lecun_uniform'                              | VarianceScaling[name=lecun_uniform, scale=1.0, mode=FAN_IN, uniform=true, seed=null]",
    })
    void initializersByNameAndCall(String written, String expected) {
        assertEquals(expected, dense(", kernel_initializer=" + written).kernelInitializer().toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "l1(0.001)                        | 0.001 | 0.0",
        "l2(0.001)                        | 0.0   | 0.001",
        "regularizers.l2(l=0.5)           | 0.0   | 0.5",
        "l1_l2(l1=0.01, l2=0.02)          | 0.01  | 0.02",
        "'l2'                             | 0.0   | 0.01",
        "L1L2(l2=0.3)                     | 0.0   | 0.3",
    })
    void regularizers(String written, double l1, double l2) {
        assertEquals(new Regularizer(l1, l2), dense(", kernel_regularizer=" + written).kernelRegularizer());
    }

    @Test
    void regularizerWithZeroFactorsIsNoRegularizer() {
        assertNull(dense(", kernel_regularizer=L1L2()").kernelRegularizer());
        assertEquals(new Regularizer(0, 0.01), dense(", activity_regularizer=l2(0.01)").activityRegularizer());
    }

    @Test
    void constraints() {
        Constraint.MaxNorm mn = (Constraint.MaxNorm) dense(", kernel_constraint=max_norm(3)").kernelConstraint();
        assertEquals(3.0, mn.maxValue());
        assertArrayEquals(new int[] {0}, mn.axes());
        assertTrue(dense(", bias_constraint='non_neg'").biasConstraint() instanceof Constraint.NonNeg);
        Constraint.UnitNorm un = (Constraint.UnitNorm) dense(", kernel_constraint=unit_norm(axis=1)").kernelConstraint();
        assertArrayEquals(new int[] {1}, un.axes());
        Constraint.MinMaxNorm mm = (Constraint.MinMaxNorm) dense(
                ", kernel_constraint=MinMaxNorm(min_value=0.5, max_value=2.0, rate=0.5)").kernelConstraint();
        assertEquals(new Constraint.MinMaxNorm(0.5, 2.0, 0.5, mm.axes()).toString(), mm.toString());
        Model conv = Sources.model("input(8, 8, 1)\nConv2D(4, 3, kernel_constraint=max_norm(2., axis=[0, 1, 2]))\n");
        Constraint.MaxNorm convNorm = (Constraint.MaxNorm) ((Conv2DLayer) conv.layers().get(0)).options().kernelConstraint();
        assertArrayEquals(new int[] {0, 1, 2}, convNorm.axes());
    }

    private static Training training(String compile) {
        return Sources.model("input(4)\nDense(2, activation='softmax')\n" + compile + "\n").training();
    }

    @Test
    void optimizerDefaultsByName() {
        assertEquals(Optimizer.defaults(Optimizer.Kind.RMSPROP), training("compile(optimizer='rmsprop', loss='mse')")
                .optimizer());
        Optimizer sgd = training("compile(optimizer='SGD', loss='mse')").optimizer();
        assertEquals(0.01, sgd.learningRate());
        Optimizer adam = training("compile(optimizer='adam', loss='mse')").optimizer();
        assertEquals(0.001, adam.learningRate());
        assertEquals(0.9, adam.beta1());
        assertEquals(0.999, adam.beta2());
        assertEquals(1e-7, adam.epsilon());
        assertEquals(0.01, training("compile(optimizer='adagrad', loss='mse')").optimizer().learningRate());
    }

    @Test
    void optimizerCallsWithLearningRateAlias() {
        Optimizer rms = training("compile(optimizer=RMSprop(learning_rate=0.01, rho=0.8, epsilon=None), loss='mse')")
                .optimizer();
        assertEquals(0.01, rms.learningRate());
        assertEquals(0.8, rms.rho());
        assertEquals(1e-7, rms.epsilon());
        Optimizer sgd = training("compile(optimizer=optimizers.SGD(0.1, momentum=0.9, nesterov=True), loss='mse')")
                .optimizer();
        assertEquals(0.1, sgd.learningRate());
        assertEquals(0.9, sgd.momentum());
        assertTrue(sgd.nesterov());
        assertTrue(training("compile(optimizer=Adam(amsgrad=True), loss='mse')").optimizer().amsgrad());
    }

    @Test
    void adadeltaAdamaxAndNadamWithKerasDefaults() {
        Optimizer adadelta = training("compile(optimizer='adadelta', loss='mse')").optimizer();
        assertEquals(Optimizer.defaults(Optimizer.Kind.ADADELTA), adadelta);
        assertEquals(1.0, adadelta.learningRate());
        assertEquals(0.95, adadelta.rho());
        assertEquals(1e-7, adadelta.epsilon());
        assertEquals(adadelta, training("compile(optimizer=keras.optimizers.Adadelta(), loss='mse')").optimizer());
        Optimizer adamax = training("compile(optimizer=Adamax(), loss='mse')").optimizer();
        assertEquals(0.002, adamax.learningRate());
        assertEquals(0.999, adamax.beta2());
        Optimizer nadam = training("compile(optimizer='Nadam', loss='mse')").optimizer();
        assertEquals(Optimizer.Kind.NADAM, nadam.kind());
        assertEquals(0.002, nadam.learningRate());
        assertEquals(0.004, nadam.scheduleDecay());
        Optimizer custom = training("compile(optimizer=optimizers.Nadam(lr=0.001, beta_1=0.8, schedule_decay=0.01), "
                + "loss='mse')").optimizer();
        assertEquals(0.001, custom.learningRate());
        assertEquals(0.8, custom.beta1());
        assertEquals(0.01, custom.scheduleDecay());
        Optimizer adadelta2 = training("compile(optimizer=Adadelta(lr=0.5, rho=0.9, epsilon=1e-6, decay=0.1), "
                + "loss='mse')").optimizer();
        assertEquals(0.5, adadelta2.learningRate());
        assertEquals(0.9, adadelta2.rho());
        assertEquals(1e-6, adadelta2.epsilon());
        assertEquals(0.1, adadelta2.decay());
    }

    @Test
    void decayAndClippingOnEveryOptimizer() {
        // cifar10_cnn.py: keras.optimizers.rmsprop(lr=0.0001, decay=1e-6)
        Optimizer rms = training("compile(optimizer=keras.optimizers.rmsprop(lr=0.0001, decay=1e-6), loss='mse')")
                .optimizer();
        assertEquals(Optimizer.Kind.RMSPROP, rms.kind());
        assertEquals(1e-4, rms.learningRate());
        assertEquals(1e-6, rms.decay());
        for (String call : java.util.List.of("SGD", "RMSprop", "Adam", "Adagrad", "Adadelta", "Adamax")) {
            Optimizer o = training("compile(optimizer=" + call + "(decay=0.01, clipnorm=1.5, clipvalue=0.5), loss='mse')")
                    .optimizer();
            assertEquals(0.01, o.decay(), call);
            assertEquals(1.5, o.clipnorm(), call);
            assertEquals(0.5, o.clipvalue(), call);
        }
        Optimizer nadam = training("compile(optimizer=Nadam(clipnorm=2), loss='mse')").optimizer();
        assertEquals(2.0, nadam.clipnorm());
        assertEquals(0.0, nadam.clipvalue());
        assertEquals(0.0, training("compile(optimizer=Adam(), loss='mse')").optimizer().clipnorm());
        // Keras 2.2.4's Nadam takes no decay
        assertFalse(Sources.check("input(4)\nDense(2, activation='softmax')\n"
                + "compile(optimizer=Nadam(decay=0.1), loss='mse')\n").ok());
    }

    @Test
    void lossesAsReferencesToKerasFunctions() {
        assertEquals(Loss.CATEGORICAL_CROSSENTROPY,
                training("compile(optimizer='adam', loss=keras.losses.categorical_crossentropy)").loss());
        assertEquals(Loss.MEAN_SQUARED_ERROR, training("compile(optimizer='adam', loss=losses.mse)").loss());
        assertEquals(Loss.BINARY_CROSSENTROPY, training("compile(optimizer='adam', loss=binary_crossentropy)").loss());
        assertFalse(Sources.check("input(4)\nDense(2, activation='softmax')\n"
                + "compile(optimizer='adam', loss=keras.metrics.mse)\n").ok());
    }

    @Test
    void lossesAndMetricsAndFit() {
        Training t = training("compile(optimizer='rmsprop', loss='categorical_crossentropy', metrics=['acc'])\n"
                + "fit(epochs=5, batch_size=64, validation_split=0.1)");
        assertEquals(Loss.CATEGORICAL_CROSSENTROPY, t.loss());
        assertEquals(java.util.List.of("accuracy"), t.metrics());
        assertEquals(5, t.epochs());
        assertEquals(64, t.batchSize());
        assertEquals(0.1, t.validationSplit());
        assertEquals(Loss.MEAN_SQUARED_ERROR, training("compile(optimizer='sgd', loss='mse')").loss());
    }

    @Test
    void fitDefaultsAreKerasDefaults() {
        Training t = training("compile(optimizer='rmsprop', loss='categorical_crossentropy')");
        assertEquals(1, t.epochs());
        assertEquals(32, t.batchSize());
        assertTrue(t.shuffle());
    }

    @Test
    void noCompileMeansNotCompiled() {
        assertFalse(training("").isCompiled());
    }

    @Test
    void sequentialWithAListOfLayersAndAName() {
        Model m = Sources.model("Paste.cnn", """
                from tensorflow.keras import layers, models
                net = models.Sequential([
                    layers.Dense(16, activation='relu', input_shape=(8,)),
                    layers.Dense(2, activation='softmax'),
                ], name='tiny_net')
                net.compile(optimizer='adam', loss='categorical_crossentropy')
                """);
        assertEquals("TinyNet", m.name());
        assertEquals(2, m.layers().size());
        assertEquals(8 * 16 + 16 + 16 * 2 + 2, m.parameterCount());
    }

    @Test
    void modelNameDefaultsToTheFileNameInUpperCamelCase() {
        assertEquals("MnistSmallNet", Sources.model("nets/mnist_small-net.cnn", "input(4)\nDense(2)\n").name());
    }

    @Test
    void denseAcceptsInputDim() {
        Model m = Sources.model("Dense(4, input_dim=10)\n");
        assertEquals(44, m.parameterCount());
    }

    @Test
    void packageLine() {
        assertEquals("com.example.nets", Sources.model("package com.example.nets\ninput(4)\nDense(2)\n").packageName());
    }
}
