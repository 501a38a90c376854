package dev.cnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cnnc.compiler.CnnCompiler;
import dev.cnnc.compiler.ir.Model;
import dev.cnnc.runtime.Batch;
import dev.cnnc.runtime.Mode;
import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.Parameter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;

/**
 * Run by {@link AutoVariantTest} in a JVM of its own: loads a compiled model from a folder, runs one
 * forward and one backward pass on fixed data and prints their fingerprint ({@link #fingerprint}).
 * Arguments: the classes' folder, the model's binary name.
 */
public final class AutoVariantChild {
    private AutoVariantChild() {}

    public static void main(String[] args) throws Exception {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {Path.of(args[0]).toUri().toURL()},
                AutoVariantChild.class.getClassLoader())) {
            Class<? extends Network> type = loader.loadClass(args[1]).asSubclass(Network.class);
            Network net = type.getConstructor(int.class, long.class).newInstance(4, 7L);
            System.out.println(fingerprint(net));
        }
    }

    /**
     * The output and every gradient of one forward and backward pass of 4 fixed examples, in inference
     * mode and then in training mode, as float bits.
     */
    static String fingerprint(Network net) {
        return fingerprint(net, 4);
    }

    /** As {@link #fingerprint(Network)} for {@code n} examples (a net made for at least {@code n}). */
    static String fingerprint(Network net, int n) {
        float[] input = new float[n * net.inputSize()];
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) Math.sin(0.37 * i) * 0.5f + 0.5f;
        }
        float[] output = net.forward(input, n).clone();
        float[] gradient = new float[n * net.outputSize()];
        for (int i = 0; i < gradient.length; i++) {
            gradient[i] = (float) Math.cos(0.11 * i);
        }
        net.zeroGradients();
        net.backward(gradient, n);
        StringBuilder b = new StringBuilder();
        append(b, output, n * net.outputSize());
        for (Parameter p : net.trainableParameters()) {
            append(b.append('|'), p.gradients(), p.gradients().length);
        }
        // then in training mode: batch statistics where a layer has them
        output = net.forward(new Batch(n).set(input, n, Mode.TRAINING)).clone();
        net.zeroGradients();
        net.backward(gradient, n);
        append(b.append('|'), output, n * net.outputSize());
        for (Parameter p : net.trainableParameters()) {
            append(b.append('|'), p.gradients(), p.gradients().length);
        }
        return b.toString();
    }

    /**
     * Asserts that the Vector API code of {@code model} computes, on this machine's vector width, what
     * its portable code computes, to rounding: the {@link #fingerprint} of {@code n} examples of nets
     * made with {@code seed}. Returns the number of values compared.
     */
    static int assertVectorMatchesPortable(Model model, CnnCompiler.Options portable, int n, long seed) {
        String[] p = fingerprint(CnnCompiler.load(model, portable).create(n, seed), n).split("[|,]");
        String[] v = fingerprint(CnnCompiler.load(model, portable.withVariant(
                CnnCompiler.Variant.VECTOR)).create(n, seed), n).split("[|,]");
        assertEquals(p.length, v.length);
        int compared = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i].isEmpty()) {
                continue;
            }
            float a = Float.intBitsToFloat(Integer.parseUnsignedInt(p[i], 16));
            float b = Float.intBitsToFloat(Integer.parseUnsignedInt(v[i], 16));
            assertEquals(a, b, 1e-4f * Math.max(1, Math.abs(a)), "value " + i);
            compared++;
        }
        return compared;
    }

    private static void append(StringBuilder b, float[] values, int n) {
        for (int i = 0; i < n; i++) {
            b.append(Integer.toHexString(Float.floatToRawIntBits(values[i]))).append(',');
        }
    }
}
