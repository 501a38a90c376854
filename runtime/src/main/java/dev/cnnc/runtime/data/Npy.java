package dev.cnnc.runtime.data;

import dev.cnnc.runtime.io.ChunkedIo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads NumPy's {@code .npy} format (header versions 1.0, 2.0 and 3.0), which is what {@code numpy.save} writes
 * and what {@code .npz} archives hold, so that arrays a Python colleague saved train in cnnc without a converter.
 *
 * <p>The format (NumPy's {@code numpy.lib.format}): the magic {@code \x93NUMPY}, a major and a minor version
 * byte, the header length (little-endian uint16 in version 1, uint32 in versions 2 and 3), then the header, a
 * Python dict literal such as {@code {'descr': '<f4', 'fortran_order': False, 'shape': (60000, 28, 28), }}
 * (Latin-1 in versions 1 and 2, UTF-8 in 3), padded with spaces to a multiple of 64 bytes, then the data.
 *
 * <p>Supported element types: {@code u1} (unsigned bytes, kept as bytes: images stay one byte per pixel),
 * {@code f4}, {@code f8} (converted to float; float64 is rounded to float32, the precision training uses),
 * {@code i1 i2 i4 i8 u2 u4 u8 b1} (for labels; converted to float, exact up to 2^24), either byte order. Only
 * C order: a Fortran-order array is refused with a message saying how to re-save it, rather than read
 * transposed. Every problem is a {@link DataFormatException} naming the file.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    /**
     * One array: its shape and either its bytes ({@code u1}) or its values as floats (every other type).
     *
     * @param name where it came from, for messages: a file, or {@code archive.npz/x_train.npy}
     * @param dtype the NumPy type string, e.g. {@code <f4}
     * @param shape the dimensions; {@code {}} for a scalar
     * @param bytes the elements of a {@code u1} array in C order, else null
     * @param floats the elements of any other array in C order, else null
     */
    public record Array(String name, String dtype, int[] shape, byte[] bytes, float[] floats) {
        /** The number of elements. */
        public int size() {
            return bytes != null ? bytes.length : floats.length;
        }

        /** Element {@code i} as a float (a byte as its unsigned value 0..255). */
        public float get(int i) {
            return bytes != null ? bytes[i] & 0xFF : floats[i];
        }

        /** Whether the elements are unsigned bytes. */
        public boolean isBytes() {
            return bytes != null;
        }

        /** Whether the NumPy type is an integer or boolean type (labels), not a float. */
        public boolean isIntegerType() {
            char k = dtype.charAt(1);
            return k == 'u' || k == 'i' || k == 'b';
        }

        /** {@code (60000, 28, 28)}, as NumPy prints a shape. */
        public String shapeText() {
            if (shape.length == 1) {
                return "(" + shape[0] + ",)";
            }
            return Dataset.tuple(shape);
        }
    }

    /** Reads a {@code .npy} file. */
    public static Array read(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        if (Files.isDirectory(file)) {
            throw new DataFormatException(file, "is a directory, not a .npy file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), Files.size(file), true);
        }
    }

    /**
     * Reads one array from a stream.
     *
     * @param name for messages
     * @param length the stream's length if known (to refuse a header that promises more than there is before
     *     allocating), else -1
     */
    public static Array read(InputStream in, String name, long length) throws IOException {
        return read(in, name, length, false);
    }

    /** {@code fileLength}: {@code length} is a file's, not a claim of an archive's header. */
    private static Array read(InputStream in, String name, long length, boolean fileLength) throws IOException {
        byte[] start = in.readNBytes(10);
        if (start.length == 0) {
            throw new DataFormatException(name, "is empty (0 bytes), not a .npy file");
        }
        if (start.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(start, MAGIC.length), MAGIC)) {
            throw new DataFormatException(name, "not a .npy file (it does not start with \\x93NUMPY)");
        }
        if (start.length < 10) {
            throw new DataFormatException(name, "truncated: the file ends inside the .npy preamble");
        }
        int major = start[6] & 0xFF;
        int minor = start[7] & 0xFF;
        long headerLength;
        int preamble;
        if (major == 1) {
            headerLength = (start[8] & 0xFF) | (start[9] & 0xFF) << 8;
            preamble = 10;
        } else if (major == 2 || major == 3) {
            byte[] rest = in.readNBytes(2);
            if (rest.length < 2) {
                throw new DataFormatException(name, "truncated: the file ends inside the .npy preamble");
            }
            headerLength = ByteBuffer.wrap(new byte[] {start[8], start[9], rest[0], rest[1]})
                    .order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL;
            preamble = 12;
        } else {
            throw new DataFormatException(name, ".npy format version " + major + "." + minor
                    + " is not supported (versions 1.0, 2.0 and 3.0 are)");
        }
        if (headerLength > 1 << 20 || (length >= 0 && preamble + headerLength > length)) {
            throw new DataFormatException(name, "truncated or corrupt: the header claims " + headerLength
                    + " bytes" + (length >= 0 ? " but the file holds " + length : ""));
        }
        byte[] headerBytes = in.readNBytes((int) headerLength);
        if (headerBytes.length < headerLength) {
            throw new DataFormatException(name, "truncated: the file ends inside the .npy header");
        }
        String header = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(header);
        Matcher fortran = FORTRAN.matcher(header);
        Matcher shapeText = SHAPE.matcher(header);
        if (!descr.find() || !fortran.find() || !shapeText.find()) {
            throw new DataFormatException(name, "malformed .npy header (it needs 'descr', 'fortran_order' and"
                    + " 'shape'): " + header.strip());
        }
        String dtype = descr.group(1);
        if (fortran.group(1).equals("True")) {
            throw new DataFormatException(name, "the array is stored in Fortran order; cnnc reads C order:"
                    + " re-save it with numpy.save(file, numpy.ascontiguousarray(a))");
        }
        int[] shape = parseShape(name, shapeText.group(1));
        int itemSize = itemSize(name, dtype);
        long count = 1;
        for (int d : shape) {
            count *= d;
            if (count > Idx.MAX_ARRAY_LENGTH) {
                throw new DataFormatException(name, "the array " + Dataset.tuple(shape)
                        + " has more elements than one Java array can hold");
            }
        }
        long bytes = count * itemSize;
        long available = length >= 0 ? length - preamble - headerLength : -1;
        if (available >= 0 && available < bytes) {
            throw truncated(name, dtype, shape, bytes, available);
        }
        if (bytes > Idx.MAX_ARRAY_LENGTH) {
            throw new DataFormatException(name, "the array " + Dataset.tuple(shape) + " of " + dtype
                    + " is larger than 2 GB, more than cnnc reads in memory");
        }
        // A file's length is known to hold the data: one array of its size. Else readNBytes, whose pieces
        // (copied once at the end) bound the memory by the data that is there, whatever a header claims.
        byte[] data;
        if (fileLength) {
            data = new byte[(int) bytes];
            int n = ChunkedIo.readFully(in, data, 0, data.length);
            if (n < bytes) {
                throw truncated(name, dtype, shape, bytes, n);
            }
        } else {
            data = in.readNBytes((int) bytes);
            if (data.length < bytes) {
                throw truncated(name, dtype, shape, bytes, data.length);
            }
        }
        if (available > bytes || (available < 0 && in.read() >= 0)) {
            throw new DataFormatException(name, "extra bytes after the data: the header promises "
                    + Dataset.tuple(shape) + " of " + dtype + " = " + bytes + " bytes");
        }
        if (dtype.equals("|u1") || dtype.equals("<u1") || dtype.equals(">u1")) {
            return new Array(name, "|u1", shape, data, null);
        }
        return new Array(name, dtype, shape, null, toFloats(dtype, data, (int) count));
    }

    private static DataFormatException truncated(String name, String dtype, int[] shape, long bytes, long found) {
        return new DataFormatException(name, "truncated: the header promises " + Dataset.tuple(shape) + " of "
                + dtype + " = " + bytes + " bytes of data, but only " + found + " follow");
    }

    private static int[] parseShape(String name, String text) throws DataFormatException {
        String[] parts = text.split(",");
        int n = 0;
        int[] shape = new int[parts.length];
        for (String p : parts) {
            String t = p.strip();
            if (t.isEmpty()) {
                continue;
            }
            if (t.endsWith("L")) { // Python 2 longs
                t = t.substring(0, t.length() - 1);
            }
            try {
                long d = Long.parseLong(t);
                if (d < 0 || d > Integer.MAX_VALUE) {
                    throw new NumberFormatException();
                }
                shape[n++] = (int) d;
            } catch (NumberFormatException e) {
                throw new DataFormatException(name, "malformed shape (" + text + ") in the .npy header");
            }
        }
        return Arrays.copyOf(shape, n);
    }

    private static int itemSize(String name, String dtype) throws DataFormatException {
        if (dtype.length() == 3 && "<>|=".indexOf(dtype.charAt(0)) >= 0) {
            String t = dtype.substring(1);
            switch (t) {
                case "u1", "i1", "b1":
                    return 1;
                case "u2", "i2":
                    return 2;
                case "u4", "i4", "f4":
                    return 4;
                case "u8", "i8", "f8":
                    return 8;
                default:
                    break;
            }
        }
        throw new DataFormatException(name, "unsupported element type '" + dtype + "'; cnnc reads uint8, float32"
                + " and float64 inputs, and integer or boolean labels");
    }

    private static float[] toFloats(String dtype, byte[] data, int count) {
        ByteBuffer b = ByteBuffer.wrap(data).order(dtype.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN
                : ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[count];
        String t = dtype.substring(1);
        for (int i = 0; i < count; i++) {
            out[i] = switch (t) {
                case "f4" -> b.getFloat();
                case "f8" -> (float) b.getDouble();
                case "i1", "b1" -> b.get();
                case "i2" -> b.getShort();
                case "u2" -> b.getShort() & 0xFFFF;
                case "i4" -> b.getInt();
                case "u4" -> b.getInt() & 0xFFFFFFFFL;
                case "i8" -> b.getLong();
                case "u8" -> Float.parseFloat(Long.toUnsignedString(b.getLong()));
                default -> throw new IllegalStateException(dtype);
            };
        }
        return out;
    }
}
