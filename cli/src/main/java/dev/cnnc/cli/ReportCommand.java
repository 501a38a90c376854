package dev.cnnc.cli;

import dev.cnnc.cli.pictures.Pictures;
import dev.cnnc.cli.pictures.Report;
import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.data.DataMismatchException;
import dev.cnnc.runtime.data.Dataset;
import dev.cnnc.runtime.io.WeightsFile;
import dev.cnnc.runtime.train.History;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "report",
        description = {"Writes one self-contained HTML page about a trained model: its summary, training curves,",
                "confusion matrix and most confidently wrong test images, filters, and the feature maps and",
                "Grad-CAM of a few test images (pictures inline, no script, nothing fetched)."},
        mixinStandardHelpOptions = true)
final class ReportCommand implements Callable<Integer> {
    @Mixin
    ScriptOption script;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    TrainedModel trained;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "report.html", description = "The page to write.")
    Path output;

    @Option(names = "--images", paramLabel = "N", defaultValue = "3",
            description = "Test images with feature maps and Grad-CAM (default: ${DEFAULT-VALUE}).")
    int images;

    @Mixin
    DataOption data;

    @Mixin
    VectorOption vector;

    @Override
    public Integer call() {
        if (images < 0) {
            throw new Main.UserException("--images must be at least 0", Main.USAGE);
        }
        if (Files.isDirectory(output)) {
            throw new Main.UserException(output + ": is a folder; -o names the HTML file to write", Main.USAGE);
        }
        TrainedModel.Loaded loadedModel = trained.load(spec.commandLine().getErr(), vector);
        if (loadedModel == null) {
            return Main.MODEL_ERRORS;
        }
        Network model = loadedModel.model();
        WeightsFile.Contents contents = loadedModel.contents();
        History history = null;
        if (contents.training() != null) {
            history = new History();
            for (Map.Entry<String, List<Double>> e : contents.training().history().entrySet()) {
                for (double v : e.getValue()) {
                    history.add(e.getKey(), v);
                }
            }
        }
        DataOption.Data loaded = data.load(model, spec.commandLine().getErr());
        Dataset test = loaded.test() != null ? loaded.test() : loaded.train();
        List<String> classes = contents.classNames() != null ? contents.classNames() : loaded.classNames();
        try {
            Pictures.writeText(output, Report.html(model, trained.file.toString(), history, test, classes, images));
        } catch (DataMismatchException e) {
            throw new Main.UserException(e.getMessage(), e.modelSide() ? Main.MODEL_ERRORS : Main.USAGE);
        } catch (IOException e) {
            throw new Main.UserException(output + ": cannot be written (" + e.getMessage() + ")", Main.USAGE);
        }
        spec.commandLine().getOut().println("Wrote " + output);
        spec.commandLine().getOut().flush();
        return Main.OK;
    }
}
