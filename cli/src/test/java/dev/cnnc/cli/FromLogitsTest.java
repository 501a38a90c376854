package dev.cnnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.compiler.load.NetworkFactory;
import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.Parameter;
import dev.cnnc.runtime.train.History;
import dev.cnnc.runtime.train.Probabilities;
import dev.cnnc.runtime.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A loss object with {@code from_logits=True} (TensorFlow's tutorials): a model whose last layer has
 * no activation trains as the same model with a softmax and the plain loss (the loss of softmax(z),
 * whose gradient with respect to z is p - t either way), and its logits give the same probabilities.
 */
class FromLogitsTest {
    static final String LOGITS = TrainingTest.MODEL.replace("model Tiny", "model TinyLogits")
            .replace("Dense(4, activation='softmax')", "Dense(4)")
            .replace("loss='categorical_crossentropy'", "loss=CategoricalCrossentropy(from_logits=True)");

    private static Network trained(NetworkFactory factory) throws Exception {
        Network net = factory.create(40, 9L);
        try (Trainer t = new Trainer(net, net.trainingConfig(), 2, 9, new PrintStream(new ByteArrayOutputStream()),
                false)) {
            History h = t.fit(TrainingTest.synthetic(800, 2), null, 0, new History(), null);
            assertTrue(h.get("loss").get(2) < h.get("loss").get(0), h.toString());
        }
        return net;
    }

    @Test
    void logitsTrainAsASoftmaxOutputDoes() throws Exception {
        Network softmax = trained(TrainingTest.compile(TrainingTest.MODEL));
        Network logits = trained(TrainingTest.compile(LOGITS));
        assertTrue(logits.trainingConfig().fromLogits());
        List<Parameter> a = softmax.parameters();
        List<Parameter> b = logits.parameters();
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            float[] x = a.get(i).values();
            float[] y = b.get(i).values();
            for (int j = 0; j < x.length; j++) {
                assertEquals(x[j], y[j], 2e-4f * Math.max(1, Math.abs(x[j])), "parameter " + i + " value " + j);
            }
        }
        var test = TrainingTest.synthetic(1, 5);
        float[] input = new float[test.exampleSize()];
        test.copyInputs(new int[] {0}, 0, 1, input);
        float[] p = softmax.predict(input).clone();
        float[] z = logits.predict(input).clone();
        float[] q = new float[z.length];
        Probabilities.of(z, q, 1, z.length, false);
        for (int j = 0; j < p.length; j++) {
            assertEquals(p[j], q[j], 1e-4f, "probability " + j);
        }
    }

    @Test
    void fromLogitsOnASoftmaxOutputIsALocatedError() {
        var c = dev.cnnc.compiler.CnnCompiler.check(new dev.cnnc.compiler.diag.SourceFile("T.cnn", TrainingTest.MODEL
                .replace("loss='categorical_crossentropy'", "loss=CategoricalCrossentropy(from_logits=True)")));
        assertEquals(List.of("T.cnn:8:35: error: from_logits=True expects logits, but the last layer's activation is "
                + "'softmax': leave the activation out, or from_logits out"),
                c.diagnostics().all().stream().map(d -> d.headline()).toList());
    }
}
