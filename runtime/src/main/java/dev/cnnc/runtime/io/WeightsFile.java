package dev.cnnc.runtime.io;

import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.Parameter;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weights file: a model's parameters, and optionally its optimizer's state and where training
 * stands, so that training can resume exactly. Documented in {@code docs/weights-format.md}.
 *
 * <pre>
 * magic    8 bytes   "CNNCWGT\n"
 * version  int32     2 (version 1 files, which have no KIND section, are still read)
 * sections           tag (4 ASCII bytes), length (int64), payload; in this order:
 *   ARCH   UTF-8 text: "model NAME", "input D1 D2 ...", then one "PARAMETER D1 D2 ..." line each
 *   PARM   every parameter's values, float32, in ARCH order
 *   KIND   version 2: tensor count (int32), then one byte per tensor in ARCH order: 1 trainable,
 *          0 non-trainable state (a version 1 file's tensors are all trainable)
 *   OPTM   optional: optimizer name (int32 length + UTF-8), iterations (int64), slot count (int32),
 *          each slot as int32 length + float32 values
 *   TRAN   optional: epochs done (int32), seed (int64), batch size (int32), metric count (int32),
 *          each metric as name (int32 length + UTF-8), count (int32), float64 values
 *   CLAS   optional: the class names, in class order: count (int32), each as int32 length + UTF-8
 *   END    SHA-256 of every byte before this section's tag (32 bytes)
 * </pre>
 *
 * All numbers are big-endian. Unknown sections are skipped (they are still covered by the checksum).
 */
public final class WeightsFile {
    static final byte[] MAGIC = "CNNCWGT\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END_TAG = "END ".getBytes(StandardCharsets.US_ASCII);
    /** Magic and version. */
    private static final int HEADER = 12;
    /** The END section: tag, length, SHA-256. */
    private static final int TRAILER = 4 + 8 + 32;
    /** The version this cnnc writes; it reads 1 to this. */
    public static final int VERSION = 2;
    /** The most values one parameter may have: one Java array. */
    private static final long MAX_VALUES = Integer.MAX_VALUE - 8;

    /** The optimizer's state: its name, update count and slot arrays (as the optimizer orders them). */
    public record OptimizerState(String name, long iterations, List<float[]> slots) {}

    /** Where training stands: epochs done, its seed and batch size, and the history so far. */
    public record TrainingState(int epochsDone, long seed, int batchSize, Map<String, List<Double>> history) {}

    /**
     * A parsed file. {@code trainable} has one flag per tensor ({@link Parameter#trainable()}; all true
     * in a version 1 file). {@code optimizer} and {@code training} are null when the file has none.
     */
    public record Contents(int version, String architecture, List<float[]> parameters, List<Boolean> trainable,
            OptimizerState optimizer, TrainingState training, List<String> classNames) {}

    private WeightsFile() {}

    /** The model's architecture as the file records it: what a loaded file must match. */
    public static String architecture(Network net) {
        StringBuilder b = new StringBuilder("model ").append(net.name()).append('\n').append("input");
        for (int d : net.inputShape()) {
            b.append(' ').append(d);
        }
        b.append('\n');
        for (Parameter p : net.parameters()) {
            b.append(p.name().replace(' ', '_').replace('\n', '_'));
            for (int d : p.shape()) {
                b.append(' ').append(d);
            }
            b.append('\n');
        }
        return b.toString();
    }

    // ---------------------------------------------------------------------------------------------
    // Writing

    /** Saves {@code net}'s parameters (and the optional states) to {@code file}, atomically. */
    public static void save(Path file, Network net, OptimizerState optimizer, TrainingState training) throws IOException {
        save(file, net, optimizer, training, null);
    }

    /**
     * Saves as {@link #save(Path, Network, OptimizerState, TrainingState)} does, with the names of the classes the
     * model was trained on (an image folder's sorted folder names), so that {@code cnnc predict} can print them;
     * null for none. An optional section: a cnnc that does not know it skips it.
     */
    public static void save(Path file, Network net, OptimizerState optimizer, TrainingState training,
            List<String> classNames) throws IOException {
        AtomicFiles.write(file, encode(net, optimizer, training, classNames));
    }

    static byte[] encode(Network net, OptimizerState optimizer, TrainingState training) throws IOException {
        return encode(net, optimizer, training, null);
    }

    static byte[] encode(Network net, OptimizerState optimizer, TrainingState training, List<String> classNames)
            throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(MAGIC);
        out.writeInt(VERSION);
        section(out, "ARCH", architecture(net).getBytes(StandardCharsets.UTF_8));
        List<float[]> values = new ArrayList<>();
        for (Parameter p : net.parameters()) {
            values.add(p.values());
        }
        section(out, "PARM", floats(values));
        List<Parameter> params = net.parameters();
        byte[] kinds = new byte[4 + params.size()];
        ByteBuffer.wrap(kinds).putInt(params.size());
        for (int i = 0; i < params.size(); i++) {
            kinds[4 + i] = (byte) (params.get(i).trainable() ? 1 : 0);
        }
        section(out, "KIND", kinds);
        if (optimizer != null) {
            ByteArrayOutputStream s = new ByteArrayOutputStream();
            DataOutputStream d = new DataOutputStream(s);
            string(d, optimizer.name());
            d.writeLong(optimizer.iterations());
            d.writeInt(optimizer.slots().size());
            for (float[] slot : optimizer.slots()) {
                d.writeInt(slot.length);
                d.write(floats(List.of(slot)));
            }
            section(out, "OPTM", s.toByteArray());
        }
        if (training != null) {
            ByteArrayOutputStream s = new ByteArrayOutputStream();
            DataOutputStream d = new DataOutputStream(s);
            d.writeInt(training.epochsDone());
            d.writeLong(training.seed());
            d.writeInt(training.batchSize());
            d.writeInt(training.history().size());
            for (Map.Entry<String, List<Double>> e : training.history().entrySet()) {
                string(d, e.getKey());
                d.writeInt(e.getValue().size());
                for (double v : e.getValue()) {
                    d.writeDouble(v);
                }
            }
            section(out, "TRAN", s.toByteArray());
        }
        if (classNames != null) {
            ByteArrayOutputStream s = new ByteArrayOutputStream();
            DataOutputStream d = new DataOutputStream(s);
            d.writeInt(classNames.size());
            for (String name : classNames) {
                string(d, name);
            }
            section(out, "CLAS", s.toByteArray());
        }
        out.flush();
        byte[] body = bytes.toByteArray();
        out.write("END ".getBytes(StandardCharsets.US_ASCII));
        out.writeLong(32);
        out.write(sha256(body, body.length));
        out.flush();
        return bytes.toByteArray();
    }

    private static void section(DataOutputStream out, String tag, byte[] payload) throws IOException {
        out.write(tag.getBytes(StandardCharsets.US_ASCII));
        out.writeLong(payload.length);
        out.write(payload);
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] floats(List<float[]> arrays) {
        int n = arrays.stream().mapToInt(a -> a.length).sum();
        ByteBuffer b = ByteBuffer.allocate(n * 4);
        for (float[] a : arrays) {
            b.asFloatBuffer().put(a);
            b.position(b.position() + a.length * 4);
        }
        return b.array();
    }

    static byte[] sha256(byte[] data, int length) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(data, 0, length);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Reading

    /** Reads and checks {@code file}: structure, version and checksum. */
    public static Contents read(Path file) throws IOException {
        byte[] data;
        try {
            data = ChunkedIo.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new WeightsFormatException(file, "no such file");
        }
        return new Reader(file, data).read();
    }

    /** Reads {@code file} and sets {@code net}'s parameters from it, refusing another architecture. */
    public static Contents load(Path file, Network net) throws IOException {
        return load(file, read(file), net);
    }

    /**
     * Reads a weights file from {@code in} (a class-path resource: {@code MnistCnn.class.getResourceAsStream(
     * "MnistCnn.cnnw")}) and sets {@code net}'s parameters from it; {@code name} names it in messages.
     */
    public static Contents load(InputStream in, String name, Network net) throws IOException {
        if (in == null) {
            throw new WeightsFormatException(Path.of(name), "no such resource");
        }
        byte[] data;
        try (in) {
            data = in.readAllBytes();
        }
        return load(Path.of(name), new Reader(Path.of(name), data).read(), net);
    }

    private static Contents load(Path file, Contents c, Network net) throws IOException {
        String expected = architecture(net);
        if (!c.architecture().equals(expected)) {
            throw new WeightsFormatException(file, "the weights are for another architecture:\n" + describeDifference(
                    c.architecture(), expected));
        }
        List<Parameter> params = net.parameters();
        for (int i = 0; i < params.size(); i++) {
            if (c.trainable().get(i) != params.get(i).trainable()) {
                throw new WeightsFormatException(file, "the weights are for another architecture:\n  the file has:    "
                        + params.get(i).name() + " " + kind(c.trainable().get(i)) + "\n  the model needs: "
                        + params.get(i).name() + " " + kind(params.get(i).trainable()));
            }
        }
        for (int i = 0; i < params.size(); i++) {
            float[] values = c.parameters().get(i);
            System.arraycopy(values, 0, params.get(i).values(), 0, values.length);
        }
        return c;
    }

    private static String kind(boolean trainable) {
        return trainable ? "(trainable)" : "(non-trainable state)";
    }

    private static String describeDifference(String file, String model) {
        String[] a = file.split("\n");
        String[] b = model.split("\n");
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            String x = i < a.length ? a[i] : "(nothing)";
            String y = i < b.length ? b[i] : "(nothing)";
            if (!x.equals(y)) {
                return "  the file has:    " + x + "\n  the model needs: " + y;
            }
        }
        return "";
    }

    private static final class Reader {
        private final Path file;
        private final byte[] data;
        private final ByteBuffer in;

        Reader(Path file, byte[] data) {
            this.file = file;
            this.data = data;
            this.in = ByteBuffer.wrap(data);
        }

        private WeightsFormatException fail(String problem) {
            return new WeightsFormatException(file, problem);
        }

        Contents read() throws WeightsFormatException {
            if (data.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(data, MAGIC.length), MAGIC)) {
                throw fail(data.length < MAGIC.length && Arrays.equals(data, Arrays.copyOf(MAGIC, data.length))
                        ? "truncated: the file ends inside its header" : "not a cnnc weights file (no CNNCWGT header)");
            }
            if (data.length < HEADER + TRAILER) {
                throw fail("truncated: the file is " + data.length + " bytes, too short for a weights file");
            }
            // The checksum first: whatever a damaged byte hit, it is reported as damage.
            int trailer = data.length - TRAILER;
            ByteBuffer end = ByteBuffer.wrap(data, trailer, TRAILER);
            byte[] tag = new byte[4];
            end.get(tag);
            if (!Arrays.equals(tag, END_TAG) || end.getLong() != 32) {
                throw fail("truncated or damaged: the checksum that ends every weights file is missing");
            }
            byte[] stored = new byte[32];
            end.get(stored);
            if (!Arrays.equals(stored, sha256(data, trailer))) {
                throw fail("corrupt: the checksum does not match (a damaged or altered file)");
            }
            in.position(MAGIC.length);
            int version = in.getInt();
            if (version > VERSION || version < 1) {
                throw fail("format version " + version + " is not readable by this cnnc, which reads versions 1 to " + VERSION
                        + (version > VERSION ? "; it was written by a newer cnnc" : ""));
            }
            Map<String, ByteBuffer> sections = new LinkedHashMap<>();
            while (in.position() < trailer) {
                if (trailer - in.position() < 12) {
                    throw fail("corrupt: a section header is cut short");
                }
                int start = in.position();
                String name = new String(data, start, 4, StandardCharsets.US_ASCII);
                in.position(start + 4);
                long length = in.getLong();
                if (length < 0 || length > trailer - in.position()) {
                    throw fail("corrupt: section " + printable(name) + " claims " + length + " bytes, " + (trailer - in.position())
                            + " remain");
                }
                if (sections.put(name, ByteBuffer.wrap(data, in.position(), (int) length).slice()) != null) {
                    throw fail("corrupt: section " + printable(name) + " appears twice");
                }
                in.position(in.position() + (int) length);
            }
            try {
                return parse(version, sections);
            } catch (RuntimeException e) {
                throw fail("corrupt: the ARCH section is malformed");
            }
        }

        /** A name from the file for a message: at most 60 characters, control characters as '?'. */
        private static String quote(String name) {
            String cut = name.length() > 60 ? name.substring(0, 57) + "..." : name;
            return "'" + cut.replaceAll("[\\p{Cntrl}\\u2028\\u2029]", "?") + "'";
        }

        /**
         * Reads a count of {@code unit}-byte items and checks they fit in what remains, so that a
         * damaged count cannot make the reader allocate gigabytes before it finds the data missing.
         */
        private static int count(ByteBuffer b, int unit) {
            int n = b.getInt();
            if (n < 0 || (long) n * unit > b.remaining()) {
                throw new java.nio.BufferUnderflowException();
            }
            return n;
        }

        private static String printable(String tag) {
            return tag.chars().allMatch(c -> c >= 32 && c < 127) ? tag.strip() : "(unreadable tag)";
        }

        private Contents parse(int version, Map<String, ByteBuffer> sections) throws WeightsFormatException {
            ByteBuffer arch = sections.get("ARCH");
            ByteBuffer parm = sections.get("PARM");
            if (arch == null || parm == null) {
                throw fail("corrupt: the " + (arch == null ? "ARCH" : "PARM") + " section is missing");
            }
            String architecture = StandardCharsets.UTF_8.decode(arch).toString();
            List<float[]> parameters = new ArrayList<>();
            long total = 0;
            String[] lines = architecture.split("\n");
            for (int l = 2; l < lines.length; l++) { // after "model NAME" and "input D..."
                String[] parts = lines[l].split(" ");
                long size = 1;
                for (int i = 1; i < parts.length; i++) {
                    long dim = Long.parseLong(parts[i]);
                    if (dim < 1 || dim > MAX_VALUES || size * dim > MAX_VALUES) { // size, dim <= 2^31: no overflow
                        throw fail("corrupt: the ARCH section gives " + quote(parts[0]) + " the shape"
                                + lines[l].substring(parts[0].length()) + ", which no parameter has");
                    }
                    size *= dim;
                }
                total += size;
                if (size * 4 > parm.remaining()) {
                    throw fail("corrupt: PARM holds " + parm.limit() / 4 + " values, the architecture needs " + total
                            + " or more");
                }
                float[] values = new float[(int) size];
                parm.asFloatBuffer().get(values);
                parm.position(parm.position() + values.length * 4);
                parameters.add(values);
            }
            if (parm.hasRemaining()) {
                throw fail("corrupt: PARM holds more values than the architecture needs");
            }
            return new Contents(version, architecture, parameters, kinds(version, sections.get("KIND"), parameters.size()),
                    optimizer(sections.get("OPTM")), training(sections.get("TRAN")), classNames(sections.get("CLAS")));
        }

        /** The trainable flags: all true in version 1; from the required KIND section since version 2. */
        private List<Boolean> kinds(int version, ByteBuffer b, int tensors) throws WeightsFormatException {
            List<Boolean> flags = new ArrayList<>(tensors);
            if (version == 1) {
                for (int i = 0; i < tensors; i++) {
                    flags.add(true);
                }
                return flags;
            }
            if (b == null) {
                throw fail("corrupt: the KIND section is missing");
            }
            if (b.remaining() != 4 + tensors || b.getInt() != tensors) {
                throw fail("corrupt: the KIND section does not have one entry for each of the " + tensors + " tensors");
            }
            for (int i = 0; i < tensors; i++) {
                byte k = b.get();
                if (k != 0 && k != 1) {
                    throw fail("corrupt: the KIND section holds " + k + " where 0 or 1 belongs");
                }
                flags.add(k == 1);
            }
            return flags;
        }

        private List<String> classNames(ByteBuffer b) throws WeightsFormatException {
            if (b == null) {
                return null;
            }
            try {
                int n = count(b, 4);
                List<String> names = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    names.add(string(b));
                }
                if (b.hasRemaining()) {
                    throw new java.nio.BufferUnderflowException();
                }
                return List.copyOf(names);
            } catch (RuntimeException e) {
                throw fail("corrupt: the CLAS section is malformed");
            }
        }

        private OptimizerState optimizer(ByteBuffer b) throws WeightsFormatException {
            if (b == null) {
                return null;
            }
            try {
                String name = string(b);
                long iterations = b.getLong();
                int count = b.getInt();
                List<float[]> slots = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    float[] slot = new float[count(b, 4)];
                    b.asFloatBuffer().get(slot);
                    b.position(b.position() + slot.length * 4);
                    slots.add(slot);
                }
                return new OptimizerState(name, iterations, slots);
            } catch (RuntimeException e) {
                throw fail("corrupt: the OPTM section is malformed");
            }
        }

        private TrainingState training(ByteBuffer b) throws WeightsFormatException {
            if (b == null) {
                return null;
            }
            try {
                int epochs = b.getInt();
                long seed = b.getLong();
                int batch = b.getInt();
                int metrics = b.getInt();
                Map<String, List<Double>> history = new LinkedHashMap<>();
                for (int i = 0; i < metrics; i++) {
                    String name = string(b);
                    int n = b.getInt();
                    List<Double> values = new ArrayList<>();
                    for (int j = 0; j < n; j++) {
                        values.add(b.getDouble());
                    }
                    history.put(name, values);
                }
                return new TrainingState(epochs, seed, batch, history);
            } catch (RuntimeException e) {
                throw fail("corrupt: the TRAN section is malformed");
            }
        }

        private static String string(ByteBuffer b) {
            byte[] s = new byte[count(b, 1)];
            b.get(s);
            return new String(s, StandardCharsets.UTF_8);
        }
    }
}
