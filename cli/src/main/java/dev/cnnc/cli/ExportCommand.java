package dev.cnnc.cli;

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

    @Mixin
    TrainedModel trained;

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
        TrainedModel.Loaded loaded = trained.load(spec.commandLine().getErr(), false);
        if (loaded == null) {
            return Main.MODEL_ERRORS;
        }
        Network net = loaded.model();
        dev.cnnc.compiler.ir.Model model = loaded.ir();
        try {
            if (keras != null) {
                KerasExport.weights(model, net, keras);
                out.println("wrote " + keras + " (Keras weights, as save_weights)");
            }
            if (kerasModel != null) {
                KerasExport.model(model, net, kerasModel);
                out.println("wrote " + kerasModel + " (Keras model, as model.save)");
            }
            if (onnx != null) {
                OnnxExport.write(model, net, onnx);
                out.println("wrote " + onnx + " (ONNX, opset 13; input 'input' is N x "
                        + String.join(" x ", java.util.Arrays.stream(model.inputShape().dims())
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
