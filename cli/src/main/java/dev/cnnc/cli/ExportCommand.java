package dev.cnnc.cli;

import dev.cnnc.compiler.load.NetworkFactory;
import dev.cnnc.interop.InteropException;
import dev.cnnc.interop.keras.KerasExport;
import dev.cnnc.interop.onnx.OnnxExport;
import dev.cnnc.runtime.Network;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "export",
        description = {"Exports a model and its weights for other tools: Keras HDF5 files",
                "(for load_weights or load_model) and ONNX (opset 13: onnxruntime, Netron)."},
        mixinStandardHelpOptions = true)
final class ExportCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ScriptOption script;

    @Parameters(paramLabel = "FILE", description = "The .cnn file the weights were trained for.")
    Path file;

    @Option(names = "--weights", required = true, paramLabel = "W",
            description = "The weights: a cnnc weights file, or a Keras .h5.")
    Path weights;

    @Option(names = "--keras", paramLabel = "OUT.h5",
            description = "Write a Keras weights file (as save_weights), for load_weights.")
    Path keras;

    @Option(names = "--keras-model", paramLabel = "OUT.h5",
            description = "Write a Keras model file (as model.save, with model_config), for keras.models.load_model.")
    Path kerasModel;

    @Option(names = "--onnx", paramLabel = "OUT.onnx", description = "Write an ONNX model (IR version 7, opset 13).")
    Path onnx;

    @Override
    public Integer call() {
        if (keras == null && kerasModel == null && onnx == null) {
            throw new Main.UserException("say what to write: --keras OUT.h5, --keras-model OUT.h5 or --onnx OUT.onnx",
                    Main.USAGE);
        }
        PrintWriter out = spec.commandLine().getOut();
        NetworkFactory factory = Models.load(file, spec.commandLine().getErr(), false);
        if (factory == null) {
            return Main.MODEL_ERRORS;
        }
        Network net = factory.create(1, 0);
        Weights.load(weights, net);
        try {
            if (keras != null) {
                KerasExport.weights(factory.model(), net, keras);
                out.println("wrote " + keras + " (Keras weights, as save_weights)");
            }
            if (kerasModel != null) {
                KerasExport.model(factory.model(), net, kerasModel);
                out.println("wrote " + kerasModel + " (Keras model, as model.save)");
            }
            if (onnx != null) {
                OnnxExport.write(factory.model(), net, onnx);
                out.println("wrote " + onnx + " (ONNX, opset 13; input 'input' is N x "
                        + String.join(" x ", java.util.Arrays.stream(factory.model().inputShape().dims())
                                .mapToObj(Integer::toString).toList()) + ", channels last)");
            }
        } catch (InteropException e) {
            throw new Main.UserException(e.getMessage(), Main.MODEL_ERRORS);
        } catch (IOException e) {
            throw new Main.UserException("cannot write: " + e.getMessage(), Main.USAGE);
        }
        out.flush();
        return Main.OK;
    }
}
