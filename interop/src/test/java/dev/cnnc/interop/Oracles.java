package dev.cnnc.interop;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The independent implementations cnnc's interop is checked against, run as processes: h5py (Debian's
 * {@code python3-h5py}) writes the Keras fixture files, TensorFlow.js (npm, installed here on first use)
 * predicts with them, and {@code python3-onnx}'s checker validates exported ONNX files. A missing tool
 * fails the test with the command that installs it ({@code .ci/run} installs them all).
 */
public final class Oracles {
    private static final Path TARGET = Path.of("target", "oracles").toAbsolutePath();
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    private Oracles() {}

    /** Runs {@code command}, failing the test with its output if it fails; returns its standard output. */
    public static String run(List<String> command, Path dir) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(20, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail("timed out: " + String.join(" ", command));
        }
        String text = new String(out, java.nio.charset.StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            fail(String.join(" ", command) + " failed (exit " + p.exitValue() + "):\n" + text);
        }
        return text;
    }

    /** Python 3 with h5py (and, for {@code onnx}, the ONNX package). */
    public static Path python(String module) throws IOException, InterruptedException {
        if (!Files.isExecutable(PYTHON)) {
            fail("/usr/bin/python3 is missing: apt-get install python3 python3-h5py python3-onnx (.ci/run does)");
        }
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import " + module).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            fail("the Python module " + module + " is missing: apt-get install python3-" + module + " (.ci/run does)");
        }
        return PYTHON;
    }

    /** The fixture directory, written once per test run by {@code src/test/python/keras_fixtures.py}. */
    public static synchronized Path fixtures() throws IOException, InterruptedException {
        Path dir = TARGET.resolve("fixtures");
        if (!Files.exists(dir.resolve("done"))) {
            Path script = Path.of("src", "test", "python", "keras_fixtures.py").toAbsolutePath();
            run(List.of(python("h5py").toString(), script.toString(), dir.toString()), TARGET.getParent());
            Files.writeString(dir.resolve("done"), "");
        }
        return dir;
    }

    /** The directory with TensorFlow.js and jsfive installed (from src/test/node/package.json). */
    public static synchronized Path node() throws IOException, InterruptedException {
        Path dir = TARGET.resolve("node");
        Files.createDirectories(dir);
        for (String f : List.of("package.json", "oracle.js")) {
            Files.copy(Path.of("src", "test", "node", f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(dir.resolve("node_modules/@tensorflow/tfjs-layers"))) {
            run(List.of("npm", "install", "--no-audit", "--no-fund", "--loglevel=error"), dir);
        }
        return dir;
    }

    /** TensorFlow.js' outputs for the first {@code n} examples of {@code input}, with {@code model}'s weights or {@code weights}'. */
    public static float[] tensorflowJs(Path model, Path input, int n, Path weights) throws IOException, InterruptedException {
        Path dir = node();
        Path out = Files.createTempFile(TARGET, "tfjs", ".f32");
        List<String> cmd = new ArrayList<>(List.of("node", dir.resolve("oracle.js").toString(), model.toString(),
                input.toString(), Integer.toString(n), out.toString()));
        if (weights != null) {
            cmd.add(weights.toString());
        }
        run(cmd, dir);
        float[] values = readFloats(out);
        Files.delete(out);
        return values;
    }

    public static float[] readFloats(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[b.remaining() / 4];
        b.asFloatBuffer().get(f);
        return f;
    }

    public static void writeFloats(Path file, float[] values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        Files.write(file, b.array());
    }

    /** The largest |a - b| / max(|b|, 1) over all values: the agreement figure the tests assert and report. */
    public static double maxRelativeDifference(float[] a, float[] b) {
        if (a.length != b.length) {
            fail("output lengths differ: " + a.length + " and " + b.length);
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((double) a[i] - b[i]) / Math.max(Math.abs((double) b[i]), 1));
        }
        return max;
    }
}
