package dev.cnnc.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.cnnc.compiler.CnnCompiler;
import dev.cnnc.interop.keras.KerasExport;
import dev.cnnc.interop.keras.KerasImport;
import dev.cnnc.interop.keras.KerasWeights;
import dev.cnnc.interop.onnx.OnnxExport;
import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.Parameter;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * cnnc's exports read by other tools: Keras weights and model files decoded by h5py with Keras 2.2.4's own
 * decoding rules and rebuilt and run by TensorFlow.js, and ONNX files validated by {@code onnx.checker}
 * ({@code full_check}) and run by onnxruntime, each agreeing with cnnc's outputs to 1e-5.
 */
class ExportTest {
    @TempDir
    Path tmp;

    /** The fixture's model imported into cnnc, with its weights: what the exports start from. */
    private Network imported(String model, KerasImport.Imported[] out) throws Exception {
        Path h5 = Oracles.fixtures().resolve(model + ".keras224.h5");
        KerasImport.Imported imported = KerasImport.read(h5, "Exported");
        Network net = CnnCompiler.load(imported.model(), CnnCompiler.Options.defaults()).create(8, 0);
        KerasWeights.load(h5, net);
        out[0] = imported;
        return net;
    }

    @ParameterizedTest
    @ValueSource(strings = {"convs", "batchnorm", "separable", "upsampling", "misc", "channelsfirst"})
    void kerasFilesLoadInKerasAndPredictInTensorFlowJs(String model) throws Exception {
        KerasImport.Imported[] imported = new KerasImport.Imported[1];
        Network net = imported(model, imported);
        Path input = Oracles.fixtures().resolve(model + ".input.f32");
        float[] ours = net.forward(Oracles.readFloats(input), 8).clone();

        Path weights = tmp.resolve("weights.h5");
        KerasExport.weights(imported[0].model(), net, weights);
        JsonObject loaded = kerasLoad(weights);
        assertEquals("2.2.4", loaded.get("keras_version").getAsString());
        JsonArray layers = loaded.getAsJsonArray("layers");
        List<KerasWeightsView> expected = KerasWeightsView.of(net);
        assertEquals(expected.size(), layers.size(), "layers with weights as Keras' loader reads them");
        for (int i = 0; i < layers.size(); i++) {
            JsonArray layer = layers.get(i).getAsJsonArray();
            assertEquals(expected.get(i).layer(), layer.get(0).getAsString());
            JsonArray ws = layer.get(1).getAsJsonArray();
            assertEquals(expected.get(i).tensors().size(), ws.size());
            for (int j = 0; j < ws.size(); j++) {
                JsonArray w = ws.get(j).getAsJsonArray();
                Parameter p = expected.get(i).tensors().get(j);
                assertEquals(p.name() + ":0", w.get(0).getAsString());
                assertEquals("float32", w.get(2).getAsString());
                JsonArray values = w.get(3).getAsJsonArray();
                for (int k = 0; k < p.size(); k++) {
                    assertEquals(p.values()[k], values.get(k).getAsFloat(), 0f, p.name() + "[" + k + "]");
                }
            }
        }
        // TensorFlow.js loads the exported weights into the original Keras model, by layer name
        float[] tfjsWeights = Oracles.tensorflowJs(Oracles.fixtures().resolve(model + ".keras224.h5"), input, 8, weights);
        assertTrue(Oracles.maxRelativeDifference(ours, tfjsWeights) <= KerasImportTest.TOLERANCE);

        // a full model file: Keras' config decoding, and TensorFlow.js rebuilds the model from cnnc's model_config
        Path full = tmp.resolve("model.h5");
        KerasExport.model(imported[0].model(), net, full);
        kerasLoad(full);
        float[] tfjs = Oracles.tensorflowJs(full, input, 8, null);
        double diff = Oracles.maxRelativeDifference(ours, tfjs);
        System.out.printf("%s: cnnc -> Keras model.h5 -> TensorFlow.js: max relative difference %.2e%n", model, diff);
        assertTrue(diff <= KerasImportTest.TOLERANCE, model + ": " + diff);
    }

    /**
     * A deeper model, many groups and datasets of many shapes (jhdf 0.13.0 once wrote empty groups that h5py could
     * not open): every tensor of both Keras exports reads back in h5py, bit for bit.
     */
    @org.junit.jupiter.api.Test
    void aDeepModelsKerasFilesReadBackInH5pyBitForBit() throws Exception {
        StringBuilder cnn = new StringBuilder("model Deep\ninput(20, 20, 3)\n");
        for (int i = 0; i < 6; i++) {
            cnn.append("Conv2D(").append(4 + i).append(", (3, 3), padding='same')\nBatchNormalization()\n")
                    .append("Activation('relu')\nDropout(0.1)\n").append(i % 2 == 1 ? "MaxPooling2D()\n" : "");
        }
        cnn.append("Flatten()\nDense(17, activation='relu')\nDense(9)\nDense(3, activation='softmax')\n");
        dev.cnnc.compiler.CnnCompiler.Checked checked = CnnCompiler.check(
                new dev.cnnc.compiler.diag.SourceFile("Deep.cnn", cnn.toString()));
        assertTrue(checked.ok(), checked.diagnostics().render());
        Network net = CnnCompiler.load(checked.model(), CnnCompiler.Options.defaults()).create(1, 7);
        for (Parameter p : net.parameters()) {
            for (int i = 0; i < p.size(); i++) {
                p.values()[i] = (float) Math.sin(i + p.name().length());
            }
        }
        for (boolean full : new boolean[] {false, true}) {
            Path h5 = tmp.resolve(full ? "deep-model.h5" : "deep-weights.h5");
            if (full) {
                KerasExport.model(checked.model(), net, h5);
            } else {
                KerasExport.weights(checked.model(), net, h5);
            }
            JsonArray layers = kerasLoad(h5).getAsJsonArray("layers");
            List<KerasWeightsView> expected = KerasWeightsView.of(net);
            assertEquals(expected.size(), layers.size(), h5.getFileName().toString());
            for (int i = 0; i < layers.size(); i++) {
                JsonArray ws = layers.get(i).getAsJsonArray().get(1).getAsJsonArray();
                for (int j = 0; j < ws.size(); j++) {
                    Parameter p = expected.get(i).tensors().get(j);
                    JsonArray values = ws.get(j).getAsJsonArray().get(3).getAsJsonArray();
                    for (int k = 0; k < p.size(); k++) {
                        assertEquals(p.values()[k], values.get(k).getAsFloat(), 0f, p.name() + "[" + k + "]");
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"convs", "batchnorm", "separable", "upsampling", "misc"})
    void onnxFilesPassTheCheckerAndRunInOnnxRuntime(String model) throws Exception {
        KerasImport.Imported[] imported = new KerasImport.Imported[1];
        Network net = imported(model, imported);
        Path onnx = tmp.resolve(model + ".onnx");
        OnnxExport.write(imported[0].model(), net, onnx);
        Oracles.run(List.of(Oracles.python("onnx").toString(), "-c", "import onnx, sys; m = onnx.load(sys.argv[1]); "
                + "onnx.checker.check_model(m, full_check=True); onnx.shape_inference.infer_shapes(m, strict_mode=True)",
                onnx.toString()), tmp);
        float[] x = Oracles.readFloats(Oracles.fixtures().resolve(model + ".input.f32"));
        float[] ours = net.forward(x, 8).clone();
        float[] theirs = onnxRuntime(onnx, x, 8, imported[0].model().inputShape().dims());
        double diff = Oracles.maxRelativeDifference(ours, theirs);
        System.out.printf("%s: cnnc -> ONNX -> onnxruntime: max relative difference %.2e%n", model, diff);
        assertTrue(diff <= KerasImportTest.TOLERANCE, model + ": " + diff);
    }

    static float[] onnxRuntime(Path model, float[] x, int n, int[] inputShape) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] shape = new long[inputShape.length + 1];
        shape[0] = n;
        for (int i = 0; i < inputShape.length; i++) {
            shape[i + 1] = inputShape[i];
        }
        try (OrtSession session = env.createSession(Files.readAllBytes(model), new OrtSession.SessionOptions());
                OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x, 0, (int) (x.length / 1)), shape);
                OrtSession.Result r = session.run(Map.of("input", t))) {
            FloatBuffer out = ((OnnxTensor) r.get(0)).getFloatBuffer();
            float[] f = new float[out.remaining()];
            out.get(f);
            return f;
        }
    }

    private JsonObject kerasLoad(Path h5) throws Exception {
        Path script = Path.of("src/test/python/keras_load.py").toAbsolutePath();
        String out = Oracles.run(List.of(Oracles.python("h5py").toString(), script.toString(), h5.toString()), tmp);
        JsonElement e = JsonParser.parseString(out.strip());
        return e.getAsJsonObject();
    }

    /** The model's layers with weights as Keras' loader should see them. */
    record KerasWeightsView(String layer, List<Parameter> tensors) {
        static List<KerasWeightsView> of(Network net) {
            java.util.List<KerasWeightsView> out = new java.util.ArrayList<>();
            for (Parameter p : net.parameters()) {
                if (p.name().endsWith("/local_step")) {
                    continue;
                }
                String layer = p.name().substring(0, p.name().lastIndexOf('/'));
                if (out.isEmpty() || !out.get(out.size() - 1).layer().equals(layer)) {
                    out.add(new KerasWeightsView(layer, new java.util.ArrayList<>()));
                }
                out.get(out.size() - 1).tensors().add(p);
            }
            return out;
        }
    }
}
