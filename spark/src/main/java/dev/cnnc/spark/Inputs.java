package dev.cnnc.spark;

import dev.cnnc.runtime.data.DataFormatException;
import dev.cnnc.runtime.data.ImageFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;

/**
 * One example's input from a Spark column, in the model's layout ({@code rows x cols x channels}, channels last):
 * an array of floats or doubles (already the model's input), the bytes of an image file (PNG, JPEG, ...:
 * {@code binaryFile}'s {@code content}, Parquet bytes), a path to an image file, or an image struct of
 * {@code spark.read.format("image")} (BGR bytes). Pixels are scaled to [0, 1].
 */
final class Inputs {
    private Inputs() {}

    /** Fails early, on the driver, for a column no input can come from. */
    static void check(StructType schema, String column) {
        int i = index(schema, column);
        DataType t = schema.fields()[i].dataType();
        boolean ok = t instanceof ArrayType || t instanceof BinaryType || t instanceof StringType
                || t instanceof StructType s && List.of(s.fieldNames()).contains("data");
        if (!ok) {
            throw new IllegalArgumentException("column '" + column + "' is " + t.simpleString() + ": cnnc reads an array "
                    + "of floats, image bytes (binary), a path (string) or an image struct (spark.read.format(\"image\"))");
        }
    }

    static int index(StructType schema, String column) {
        for (int i = 0; i < schema.fields().length; i++) {
            if (schema.fields()[i].name().equals(column)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no column '" + column + "' (the columns are "
                + String.join(", ", schema.fieldNames()) + ")");
    }

    /** Writes the input of {@code row}'s column {@code i} into {@code dest[at, at + size)}. */
    static void read(Row row, int i, int[] shape, float[] dest, int at) {
        int size = shape[0] * (shape.length > 1 ? shape[1] : 1) * (shape.length > 2 ? shape[2] : 1);
        Object v = row.get(i);
        if (v == null) {
            throw new IllegalArgumentException("row " + row + ": the input is null");
        }
        if (v instanceof byte[] bytes) {
            image(bytes, Path.of("(image bytes)"), shape, dest, at);
        } else if (v instanceof String path) {
            try {
                image(Files.readAllBytes(Path.of(path)), Path.of(path), shape, dest, at);
            } catch (IOException e) {
                throw new IllegalArgumentException(path + ": cannot be read: " + e.getMessage(), e);
            }
        } else if (v instanceof Row struct) {
            imageStruct(struct, shape, dest, at);
        } else {
            List<Object> values = row.getList(i);
            if (values.size() != size) {
                throw new IllegalArgumentException("an input has " + values.size() + " values; the model takes " + size);
            }
            for (int k = 0; k < size; k++) {
                dest[at + k] = ((Number) values.get(k)).floatValue();
            }
        }
    }

    private static void image(byte[] bytes, Path name, int[] shape, float[] dest, int at) {
        if (shape.length != 3) {
            throw new IllegalArgumentException("images need a model whose input is rows x cols x channels");
        }
        try {
            byte[] pixels = ImageFiles.read(bytes, name, shape[0], shape[1], shape[2]).pixels();
            for (int k = 0; k < pixels.length; k++) {
                dest[at + k] = (pixels[k] & 0xff) / 255f;
            }
        } catch (DataFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Spark's image struct: height, width, nChannels, data in BGR(A) order, row-major. */
    private static void imageStruct(Row s, int[] shape, float[] dest, int at) {
        int h = s.getInt(s.fieldIndex("height"));
        int w = s.getInt(s.fieldIndex("width"));
        int c = s.getInt(s.fieldIndex("nChannels"));
        byte[] data = (byte[]) s.get(s.fieldIndex("data"));
        if (shape.length != 3 || h != shape[0] || w != shape[1]) {
            throw new IllegalArgumentException("an image of " + h + " x " + w + "; the model takes " + shape[0] + " x "
                    + (shape.length > 1 ? shape[1] : 1));
        }
        int channels = shape[2];
        for (int p = 0; p < h * w; p++) {
            int b = data[p * c] & 0xff;
            int g = c >= 3 ? data[p * c + 1] & 0xff : b;
            int r = c >= 3 ? data[p * c + 2] & 0xff : b;
            if (channels == 1) {
                dest[at + p] = (c == 1 ? b : Math.round(0.299f * r + 0.587f * g + 0.114f * b)) / 255f;
            } else {
                dest[at + p * 3] = r / 255f;
                dest[at + p * 3 + 1] = g / 255f;
                dest[at + p * 3 + 2] = b / 255f;
            }
        }
    }
}
