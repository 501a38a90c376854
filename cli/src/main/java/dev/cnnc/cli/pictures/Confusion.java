package dev.cnnc.cli.pictures;

import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.data.Dataset;
import dev.cnnc.runtime.optim.LossKind;
import dev.cnnc.runtime.train.Probabilities;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * What a classifier gets wrong on a data set: every example's true class, predicted class and the
 * probability it gave that prediction; the confusion matrix (rows true, columns predicted) as CSV, as
 * text and as a picture; and the most confidently wrong examples as a grid.
 */
public final class Confusion {
    /** Per example: its true class, the predicted one and the predicted one's probability. */
    public record Predictions(int classes, int[] truth, int[] predicted, float[] confidence) {
        public long[][] matrix() {
            long[][] m = new long[classes][classes];
            for (int i = 0; i < truth.length; i++) {
                m[truth[i]][predicted[i]]++;
            }
            return m;
        }

        public double accuracy() {
            int right = 0;
            for (int i = 0; i < truth.length; i++) {
                right += truth[i] == predicted[i] ? 1 : 0;
            }
            return truth.length == 0 ? 0 : (double) right / truth.length;
        }

        /** The wrong examples, most confident first (ties by index), at most {@code k}. */
        public List<Integer> worst(int k) {
            List<Integer> wrong = new ArrayList<>();
            for (int i = 0; i < truth.length; i++) {
                if (truth[i] != predicted[i]) {
                    wrong.add(i);
                }
            }
            wrong.sort(Comparator.comparingDouble((Integer i) -> -confidence[i]).thenComparingInt(i -> i));
            return wrong.subList(0, Math.min(k, wrong.size()));
        }
    }

    private static final int BATCH = 256;

    private Confusion() {}

    /**
     * The model's predictions for every example of {@code data} (class targets), in batches on a
     * replica; a single sigmoid output is two classes (1 when above 0.5).
     */
    public static Predictions predict(Network model, Dataset data) {
        Network r = model.replica(BATCH);
        int n = data.count();
        int outputs = model.outputSize();
        boolean binary = outputs == 1;
        int classes = binary ? 2 : outputs;
        int[] truth = new int[n];
        int[] predicted = new int[n];
        float[] confidence = new float[n];
        float[] input = new float[BATCH * data.exampleSize()];
        float[] p = new float[BATCH * outputs];
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        boolean logits = model.trainingConfig().fromLogits();
        boolean sigmoid = model.trainingConfig().loss() == LossKind.BINARY_CROSSENTROPY || binary;
        for (int from = 0; from < n; from += BATCH) {
            int m = Math.min(BATCH, n - from);
            data.copyInputs(order, from, m, input);
            float[] out = r.forward(input, m);
            if (logits) {
                Probabilities.of(out, p, m, outputs, sigmoid);
            } else {
                System.arraycopy(out, 0, p, 0, m * outputs);
            }
            for (int e = 0; e < m; e++) {
                int i = from + e;
                truth[i] = data.label(i);
                if (binary) {
                    float q = p[e];
                    predicted[i] = q > 0.5f ? 1 : 0;
                    confidence[i] = Math.max(q, 1 - q);
                } else {
                    int best = 0;
                    for (int k = 1; k < outputs; k++) {
                        if (p[e * outputs + k] > p[e * outputs + best]) {
                            best = k;
                        }
                    }
                    predicted[i] = best;
                    confidence[i] = p[e * outputs + best];
                }
            }
        }
        return new Predictions(classes, truth, predicted, confidence);
    }

    static String name(List<String> classNames, int k) {
        return classNames != null && k < classNames.size() ? classNames.get(k) : Integer.toString(k);
    }

    /** {@code true\predicted,0,1,...} then one row per true class. */
    public static String csv(Predictions p, List<String> classNames) {
        StringBuilder b = new StringBuilder("true\\predicted");
        for (int k = 0; k < p.classes(); k++) {
            b.append(',').append(name(classNames, k));
        }
        b.append('\n');
        long[][] m = p.matrix();
        for (int t = 0; t < p.classes(); t++) {
            b.append(name(classNames, t));
            for (int k = 0; k < p.classes(); k++) {
                b.append(',').append(m[t][k]);
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** The matrix as aligned text, for the terminal. */
    public static String text(Predictions p, List<String> classNames) {
        long[][] m = p.matrix();
        int width = 5;
        for (int k = 0; k < p.classes(); k++) {
            width = Math.max(width, name(classNames, k).length() + 1);
            for (int t = 0; t < p.classes(); t++) {
                width = Math.max(width, Long.toString(m[t][k]).length() + 1);
            }
        }
        StringBuilder b = new StringBuilder("Confusion matrix (rows: true class, columns: predicted class)\n");
        b.append(" ".repeat(width));
        for (int k = 0; k < p.classes(); k++) {
            b.append(String.format(Locale.ROOT, "%" + width + "s", name(classNames, k)));
        }
        b.append('\n');
        for (int t = 0; t < p.classes(); t++) {
            b.append(String.format(Locale.ROOT, "%" + width + "s", name(classNames, t)));
            for (int k = 0; k < p.classes(); k++) {
                b.append(String.format(Locale.ROOT, "%" + width + "d", m[t][k]));
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** The matrix as a picture: each cell shaded by its share of its true class's examples, with its count. */
    public static BufferedImage image(Predictions p, List<String> classNames, String title) {
        int n = p.classes();
        int cell = n <= 12 ? 44 : Math.max(12, 528 / n);
        int left = 70;
        int top = 60;
        int width = left + n * cell + 20;
        int height = top + n * cell + 40;
        BufferedImage image = new BufferedImage(Math.max(width, 360), height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), height);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.setColor(Color.BLACK);
        g.drawString(title, 8, 18);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawString("predicted class", left, top - 24);
        long[][] m = p.matrix();
        FontMetrics fm = g.getFontMetrics();
        for (int t = 0; t < n; t++) {
            long row = 0;
            for (int k = 0; k < n; k++) {
                row += m[t][k];
            }
            g.setColor(Color.BLACK);
            String tn = name(classNames, t);
            g.drawString(tn, left - 6 - fm.stringWidth(tn), top + t * cell + cell / 2 + 4);
            for (int k = 0; k < n; k++) {
                double share = row == 0 ? 0 : (double) m[t][k] / row;
                Color c = new Color((int) Math.round(255 - 225 * share), (int) Math.round(255 - 160 * share),
                        (int) Math.round(255 - 75 * share));
                g.setColor(c);
                g.fillRect(left + k * cell, top + t * cell, cell, cell);
                g.setColor(new Color(220, 220, 220));
                g.drawRect(left + k * cell, top + t * cell, cell, cell);
                if (cell >= 24) {
                    String count = Long.toString(m[t][k]);
                    g.setColor(share > 0.5 ? Color.WHITE : Color.BLACK);
                    g.drawString(count, left + k * cell + (cell - fm.stringWidth(count)) / 2, top + t * cell + cell / 2 + 4);
                }
            }
        }
        g.setColor(Color.BLACK);
        for (int k = 0; k < n; k++) {
            String kn = name(classNames, k);
            g.drawString(kn, left + k * cell + (cell - fm.stringWidth(kn)) / 2, top - 6);
        }
        g.drawString("true class", 8, top + n * cell + 24);
        g.dispose();
        return image;
    }

    /** The most confidently wrong examples: the image, true and predicted class and the probability. */
    public static BufferedImage mistakes(Predictions p, Dataset data, int[] shape, List<String> classNames, int k) {
        List<Integer> worst = p.worst(k);
        if (worst.isEmpty()) {
            return null;
        }
        List<ImageGrid.Tile> tiles = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        float[] x = new float[data.exampleSize()];
        int rows = shape[0];
        int cols = shape[1];
        int ch = shape[2];
        for (int i : worst) {
            data.copyInputs(new int[] {i}, 0, 1, x);
            int[] rgb = new int[rows * cols];
            for (int px = 0; px < rows * cols; px++) {
                if (ch == 3) {
                    rgb[px] = level(x[px * 3]) << 16 | level(x[px * 3 + 1]) << 8 | level(x[px * 3 + 2]);
                } else {
                    rgb[px] = ImageGrid.grey(level(x[px * ch]));
                }
            }
            tiles.add(new ImageGrid.Tile(cols, rows, rgb));
            labels.add(String.format(Locale.ROOT, "%s as %s %.2f #%d", name(classNames, p.truth()[i]),
                    name(classNames, p.predicted()[i]), p.confidence()[i], i));
        }
        return ImageGrid.draw("The " + worst.size() + " most confidently wrong: true class as predicted, probability, index",
                tiles, labels, 8, ImageGrid.scaleFor(Math.max(rows, cols), 96));
    }

    private static int level(float v) {
        return Math.round(255 * Math.max(0, Math.min(1, v)));
    }
}
