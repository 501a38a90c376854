package dev.cnnc.cli.pictures;

import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.Parameter;
import dev.cnnc.runtime.data.Dataset;
import dev.cnnc.runtime.train.History;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One self-contained HTML page about a trained model: its summary, its training curves and history,
 * its confusion matrix and most confidently wrong test images, its first convolution's filters, and,
 * for a few test images, the feature maps of every convolution and pooling layer and a Grad-CAM
 * heatmap. Pictures are inline PNGs (data: URLs); no script, no style sheet or font from elsewhere.
 * The same model, weights and data give the same bytes.
 */
public final class Report {
    private final StringBuilder html = new StringBuilder();

    private Report() {}

    /**
     * @param history the training history from the weights file, or null
     * @param test the test data with class labels, or null
     * @param images how many test images get feature maps and a class activation map
     */
    public static String html(Network model, String source, History history, Dataset test, List<String> classes,
            int images) throws IOException {
        Report r = new Report();
        r.page(model, source, history, test, classes, images);
        return r.html.toString();
    }

    private void page(Network model, String source, History history, Dataset test, List<String> classes, int images)
            throws IOException {
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(escape(model.name())).append(" — cnnc report</title>\n<style>\n")
                .append("body { font-family: sans-serif; margin: 2em auto; max-width: 1240px; color: #222; }\n")
                .append("h1 { font-size: 1.6em; } h2 { font-size: 1.25em; border-bottom: 1px solid #ccc; padding-bottom: 0.2em;"
                        + " margin-top: 1.6em; }\n")
                .append("pre { background: #f6f6f6; padding: 0.8em; overflow-x: auto; font-size: 0.85em; }\n")
                .append("img { max-width: 100%; image-rendering: pixelated; display: block; margin: 0.4em 0; }\n")
                .append("table { border-collapse: collapse; font-size: 0.85em; } td, th { border: 1px solid #ddd; padding: "
                        + "0.2em 0.6em; text-align: right; }\n")
                .append(".maps { display: flex; flex-wrap: wrap; gap: 1em; align-items: flex-start; }\n")
                .append("</style>\n</head>\n<body>\n");
        html.append("<h1>").append(escape(model.name())).append("</h1>\n<p>From <code>").append(escape(source))
                .append("</code>: ").append(String.format(Locale.ROOT, "%,d", model.parameterCount()))
                .append(" parameters, input ").append(escape(Dataset.tuple(model.inputShape()))).append(".</p>\n");
        html.append("<h2>Summary</h2>\n<pre>").append(escape(model.summary())).append("</pre>\n");

        html.append("<h2>Training</h2>\n");
        if (history == null || history.epochs() == 0) {
            html.append("<p>The weights file holds no training history.</p>\n");
        } else {
            image(Curves.image(history, model.name()), "Loss and accuracy per epoch");
            html.append("<table>\n<tr><th>epoch</th><th>loss</th><th>acc</th><th>val_loss</th><th>val_acc</th></tr>\n");
            for (int e = 0; e < history.epochs(); e++) {
                html.append("<tr><td>").append(e + 1).append("</td>");
                for (String m : List.of("loss", "acc", "val_loss", "val_acc")) {
                    List<Double> v = history.get(m);
                    html.append("<td>").append(e < v.size() ? String.format(Locale.ROOT, "%.4f", v.get(e)) : "").append("</td>");
                }
                html.append("</tr>\n");
            }
            html.append("</table>\n");
        }

        int[] shape = model.inputShape();
        boolean images3 = shape.length == 3;
        html.append("<h2>Test data</h2>\n");
        if (test == null || test.targetKind() != Dataset.TargetKind.CLASSES) {
            html.append("<p>No test data with class labels.</p>\n");
        } else {
            Confusion.Predictions p = Confusion.predict(model, test);
            html.append("<p>").append(String.format(Locale.ROOT, "%,d", test.count())).append(" images, accuracy ")
                    .append(String.format(Locale.ROOT, "%.4f", p.accuracy())).append(".</p>\n");
            image(Confusion.image(p, classes, model.name() + ": confusion matrix"), "Confusion matrix");
            if (images3) {
                BufferedImage mistakes = Confusion.mistakes(p, test, shape, classes, 16);
                if (mistakes != null) {
                    image(mistakes, "The most confidently wrong test images");
                }
            }
        }

        Parameter kernel = Filters.firstKernel(model.parameters());
        if (kernel != null) {
            html.append("<h2>Filters</h2>\n");
            image(Filters.draw(kernel), "The first convolution's filters");
        }

        if (images3 && test != null && images > 0) {
            html.append("<h2>Feature maps</h2>\n");
            Network one = model.replica(1);
            float[] x = new float[test.exampleSize()];
            for (int i = 0; i < Math.min(images, test.count()); i++) {
                test.copyInputs(new int[] {i}, 0, 1, x);
                html.append("<h3>Test image ").append(i).append("</h3>\n<div class=\"maps\">\n");
                image(FeatureMaps.input(x, shape), "Test image " + i);
                if (GradCam.lastConvolution(one) >= 0) {
                    GradCam.Cam cam = GradCam.compute(one, x, null);
                    image(GradCam.overlay(cam, x, shape, Confusion.name(classes, cam.klass())), "Grad-CAM of test image " + i);
                }
                html.append("</div>\n");
                for (Map.Entry<String, BufferedImage> e : FeatureMaps.draw(one, x).entrySet()) {
                    image(e.getValue(), "Feature maps of " + e.getKey());
                }
            }
        }
        html.append("<p><small>Generated by cnnc.</small></p>\n</body>\n</html>\n");
    }

    private void image(BufferedImage image, String alt) throws IOException {
        html.append("<img alt=\"").append(escape(alt)).append("\" width=\"").append(image.getWidth()).append("\" src=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(Files2.png(image))).append("\">\n");
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
