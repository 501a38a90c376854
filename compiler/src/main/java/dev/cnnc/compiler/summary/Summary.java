package dev.cnnc.compiler.summary;

import dev.cnnc.compiler.ir.Layer;
import dev.cnnc.compiler.ir.Model;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code model.summary()} exactly as Keras 2.2.4 prints it ({@code keras/utils/layer_utils.py
 * print_summary}): 65 columns, cells cut at 29, 55 and 65 characters, each cell's last character
 * replaced by a space, every row padded to its full width. With multiply-adds, a fourth column
 * widens the table to 80 characters.
 */
public final class Summary {
    private static final int[] POSITIONS = {29, 55, 65};
    private static final int[] POSITIONS_WITH_MACS = {29, 55, 65, 80};

    private Summary() {}

    /** The summary table, each line ending in {@code \n}. */
    public static String of(Model model, boolean multiplyAdds) {
        int[] positions = multiplyAdds ? POSITIONS_WITH_MACS : POSITIONS;
        int width = positions[positions.length - 1];
        List<String> lines = new ArrayList<>();
        lines.add("_".repeat(width));
        lines.add(row(positions, header(multiplyAdds)));
        lines.add("=".repeat(width));
        List<Layer> layers = model.layers();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            List<String> fields = new ArrayList<>(List.of(l.name() + " (" + l.kerasClass() + ")", l.outputShape().toKeras(),
                    Long.toString(l.parameterCount())));
            if (multiplyAdds) {
                fields.add(String.format(Locale.ROOT, "%,d", l.multiplyAdds()));
            }
            lines.add(row(positions, fields));
            lines.add((i == layers.size() - 1 ? "=" : "_").repeat(width));
        }
        long total = model.parameterCount();
        lines.add(String.format(Locale.ROOT, "Total params: %,d", total));
        long trainable = model.trainableParameterCount();
        lines.add(String.format(Locale.ROOT, "Trainable params: %,d", trainable));
        lines.add(String.format(Locale.ROOT, "Non-trainable params: %,d", total - trainable));
        if (multiplyAdds) {
            lines.add(String.format(Locale.ROOT, "Multiply-adds per example: %,d (forward pass)", model.multiplyAdds()));
        }
        lines.add("_".repeat(width));
        return String.join("\n", lines) + "\n";
    }

    private static List<String> header(boolean multiplyAdds) {
        List<String> h = new ArrayList<>(List.of("Layer (type)", "Output Shape", "Param #"));
        if (multiplyAdds) {
            h.add("Mult-Adds");
        }
        return h;
    }

    /** Keras' {@code print_row}. */
    static String row(int[] positions, List<String> fields) {
        String line = "";
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                line = line.substring(0, line.length() - 1) + " ";
            }
            line += fields.get(i);
            line = line.substring(0, Math.min(line.length(), positions[i]));
            line += " ".repeat(positions[i] - line.length());
        }
        return line;
    }
}
