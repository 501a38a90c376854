package dev.cnnc.cli.pictures;

import dev.cnnc.runtime.train.History;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Training curves, as Keras users draw {@code history} with matplotlib: loss and accuracy per epoch,
 * training and validation, side by side in one PNG; and the history as CSV. Drawn with XChart,
 * which gives readable axes and legends for little code (the image grids are plain Java2D).
 */
public final class Curves {
    /** matplotlib's first two colours: training blue, validation orange. */
    public static final Color TRAINING = new Color(31, 119, 180);
    public static final Color VALIDATION = new Color(255, 127, 14);
    public static final int WIDTH = 1200;
    public static final int HEIGHT = 450;

    private Curves() {}

    /**
     * {@code epoch,loss,acc,val_loss,val_acc,time}: one row per epoch, the validation columns empty
     * without validation, {@code time} (seconds) empty for epochs trained before a resume.
     */
    public static String csv(History h) {
        StringBuilder b = new StringBuilder("epoch,loss,acc,val_loss,val_acc,time\n");
        int epochs = h.epochs();
        List<Double> seconds = h.seconds();
        int firstTimed = epochs - seconds.size();
        for (int e = 0; e < epochs; e++) {
            b.append(e + 1);
            for (String metric : List.of("loss", "acc", "val_loss", "val_acc")) {
                List<Double> v = h.get(metric);
                b.append(',').append(e < v.size() ? String.format(Locale.ROOT, "%.6f", v.get(e)) : "");
            }
            b.append(',').append(e >= firstTimed ? String.format(Locale.ROOT, "%.3f", seconds.get(e - firstTimed)) : "");
            b.append('\n');
        }
        return b.toString();
    }

    /** Loss (left) and accuracy (right) per epoch, titled with the model's name. */
    public static BufferedImage image(History h, String modelName) {
        BufferedImage out = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(BitmapEncoder.getBufferedImage(chart(h, modelName, "loss", "Loss")), 0, 0, null);
        g.drawImage(BitmapEncoder.getBufferedImage(chart(h, modelName, "acc", "Accuracy")), WIDTH / 2, 0, null);
        g.dispose();
        return out;
    }

    private static XYChart chart(History h, String modelName, String metric, String label) {
        XYChart chart = new XYChartBuilder().width(WIDTH / 2).height(HEIGHT)
                .title(modelName + ": training and validation " + label.toLowerCase(Locale.ROOT))
                .xAxisTitle("Epoch").yAxisTitle(label).build();
        Styler s = chart.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderVisible(true);
        // losses fall and accuracies rise: the legend goes where the curves are not
        s.setLegendPosition(metric.equals("loss") ? Styler.LegendPosition.InsideNE : Styler.LegendPosition.InsideSE);
        s.setLegendBorderColor(Color.LIGHT_GRAY);
        s.setAntiAlias(true);
        chart.getStyler().setXAxisDecimalPattern("0");
        chart.getStyler().setYAxisDecimalPattern("0.0##");
        add(chart, "Training " + label.toLowerCase(Locale.ROOT), h.get(metric), TRAINING);
        add(chart, "Validation " + label.toLowerCase(Locale.ROOT), h.get("val_" + metric), VALIDATION);
        return chart;
    }

    private static void add(XYChart chart, String name, List<Double> values, Color color) {
        if (values.isEmpty()) {
            return;
        }
        List<Integer> epochs = new ArrayList<>();
        for (int e = 1; e <= values.size(); e++) {
            epochs.add(e);
        }
        XYSeries series = chart.addSeries(name, epochs, values);
        series.setLineColor(color);
        series.setMarkerColor(color);
        series.setMarker(SeriesMarkers.CIRCLE);
        series.setLineWidth(2.5f);
    }

    /** Writes the CSV and the PNG, each through a temporary file moved into place. */
    public static void write(History h, String modelName, Path csv, Path png) throws IOException {
        if (csv != null) {
            Files2.writeAtomically(csv, csv(h).getBytes(StandardCharsets.UTF_8));
        }
        if (png != null) {
            Files2.writePng(png, image(h, modelName));
        }
    }
}
