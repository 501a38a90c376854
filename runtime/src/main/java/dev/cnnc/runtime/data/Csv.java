package dev.cnnc.runtime.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A CSV file of one example per line: a label column and one column per input value, the Kaggle MNIST layout
 * ({@code label,pixel0,...,pixel783}). Comma-separated, UTF-8, optionally gzipped, blank lines ignored.
 *
 * <p><b>Header.</b> The first line is a header when any of its fields is not a number. The label column is the
 * one named {@code label} (any case) in the header, else the first column.
 *
 * <p><b>Values.</b> Each row must have the header's (or the first row's) number of columns; the values are
 * reshaped, in order, to the model's input shape (row-major, channels last). How they are scaled is
 * {@link Scale}: by default, values that are all integers from 0 to 255 are pixels and are divided by 255, as
 * image bytes are everywhere in cnnc; any other values are floats taken as they are. {@code --csv-scale bytes}
 * or {@code floats} says it explicitly.
 *
 * <p><b>Labels.</b> Class indices {@code 0..K-1} for the cross-entropies; for {@code mean_squared_error} the
 * label column is the float target, taken as it is.
 */
public final class Csv {
    /** How the input values are scaled. */
    public enum Scale {
        /** {@link #BYTES} if every value is an integer in 0..255, else {@link #FLOATS}. */
        AUTO,
        /** Values 0..255, divided by 255. A value outside that range is an error. */
        BYTES,
        /** Values taken as they are. */
        FLOATS;

        /** {@code auto}, {@code bytes} or {@code floats}. */
        public static Scale parse(String s) {
            return valueOf(s.toUpperCase(Locale.ROOT));
        }
    }

    private Csv() {}

    /**
     * Reads {@code file} for {@code options.needs()}.
     *
     * @throws DataFormatException naming the file and line of a bad row, value or label
     * @throws DataMismatchException if a row's values are not the model's input size
     */
    public static Dataset read(Path file, DataSource.Options options) throws IOException {
        Needs needs = options.needs();
        if (Files.isRegularFile(file) && Files.size(file) == 0) {
            throw new DataFormatException(file, "is empty (0 bytes)");
        }
        List<float[]> rows = new ArrayList<>();
        List<Integer> lineNumbers = new ArrayList<>();
        int columns = -1;
        int labelColumn = 0;
        boolean integralBytes = true;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Streams.openMaybeGzip(file),
                StandardCharsets.UTF_8), Streams.BUFFER_SIZE)) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (number == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                if (line.isBlank()) {
                    continue;
                }
                String[] fields = line.split(",", -1);
                if (columns < 0) {
                    columns = fields.length;
                    if (!allNumbers(fields)) {
                        for (int i = 0; i < fields.length; i++) {
                            if (unquote(fields[i]).equalsIgnoreCase("label")) {
                                labelColumn = i;
                            }
                        }
                        continue;
                    }
                }
                if (fields.length != columns) {
                    throw new DataFormatException(file + ":" + number, "has " + fields.length + " columns, but the"
                            + " first line has " + columns);
                }
                float[] values = new float[columns];
                for (int i = 0; i < columns; i++) {
                    String f = unquote(fields[i]);
                    try {
                        values[i] = Float.parseFloat(f);
                    } catch (NumberFormatException e) {
                        throw new DataFormatException(file + ":" + number, "column " + (i + 1) + ", '" + shorten(f)
                                + "', is not a number");
                    }
                    if (!Float.isFinite(values[i])) {
                        throw new DataFormatException(file + ":" + number, "column " + (i + 1) + " is " + f
                                + "; values must be finite");
                    }
                    if (i != labelColumn && (values[i] < 0 || values[i] > 255 || values[i] != Math.rint(values[i]))) {
                        integralBytes = false;
                    }
                }
                rows.add(values);
                lineNumbers.add(number);
            }
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw new DataFormatException(file, "the gzip data is corrupt or truncated (" + e.getMessage() + ")", e);
        }
        if (rows.isEmpty()) {
            throw new DataFormatException(file, "holds no rows of data");
        }
        int inputs = columns - 1;
        int size = Dataset.product(needs.inputShape());
        if (inputs != size) {
            throw new DataMismatchException("the rows of " + file + " have " + inputs + " values besides the label,"
                    + " but the model's input is " + needs.inputText() + ", " + size + " values", false);
        }
        Scale scale = options.csvScale() == Scale.AUTO ? (integralBytes ? Scale.BYTES : Scale.FLOATS) : options.csvScale();
        int n = rows.size();
        float[] x = new float[Math.multiplyExact(n, inputs)];
        float[] y = new float[n];
        for (int r = 0; r < n; r++) {
            float[] v = rows.get(r);
            int k = 0;
            for (int i = 0; i < columns; i++) {
                if (i == labelColumn) {
                    y[r] = v[i];
                    continue;
                }
                float value = v[i];
                if (scale == Scale.BYTES) {
                    if (value < 0 || value > 255) {
                        throw new DataFormatException(file + ":" + lineNumbers.get(r), "column " + (i + 1) + " is "
                                + value + ", outside 0..255 (read as pixels with --csv-scale bytes)");
                    }
                    value /= 255f;
                }
                x[r * inputs + k++] = value;
            }
            if (!needs.vectors() && (y[r] < 0 || y[r] != Math.rint(y[r]) || y[r] >= needs.classes())) {
                throw new DataFormatException(file + ":" + lineNumbers.get(r), "the label " + format(y[r])
                        + (y[r] < 0 || y[r] != Math.rint(y[r]) ? " is not a class index"
                                : " is outside 0.." + (needs.classes() - 1) + ": the model ends with "
                                        + needs.outputText()));
            }
        }
        Npy.Array xs = new Npy.Array(file.toString(), "<f4", new int[] {n, inputs}, null, x);
        Npy.Array ys = new Npy.Array(file.toString(), "<f4", new int[] {n}, null, y);
        return DataSource.fromArrays(file.toString(), xs, ys, needs);
    }

    private static String format(float v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Float.toString(v);
    }

    private static boolean allNumbers(String[] fields) {
        for (String f : fields) {
            try {
                Float.parseFloat(unquote(f));
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return true;
    }

    private static String unquote(String f) {
        String t = f.strip();
        return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1) : t;
    }

    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }
}
