package dev.cnnc.interop.onnx;

import dev.cnnc.compiler.ir.Activation;
import dev.cnnc.compiler.ir.ActivationLayer;
import dev.cnnc.compiler.ir.AdvancedActivationLayer;
import dev.cnnc.compiler.ir.BatchNormLayer;
import dev.cnnc.compiler.ir.Border2DLayer;
import dev.cnnc.compiler.ir.Conv2DLayer;
import dev.cnnc.compiler.ir.Conv2DTransposeLayer;
import dev.cnnc.compiler.ir.DataFormat;
import dev.cnnc.compiler.ir.DenseLayer;
import dev.cnnc.compiler.ir.DepthwiseConv2DLayer;
import dev.cnnc.compiler.ir.FlattenLayer;
import dev.cnnc.compiler.ir.Geometry2D;
import dev.cnnc.compiler.ir.GlobalPool2DLayer;
import dev.cnnc.compiler.ir.Layer;
import dev.cnnc.compiler.ir.Model;
import dev.cnnc.compiler.ir.NoiseLayer;
import dev.cnnc.compiler.ir.PReluLayer;
import dev.cnnc.compiler.ir.PermuteLayer;
import dev.cnnc.compiler.ir.Pool2DLayer;
import dev.cnnc.compiler.ir.ReshapeLayer;
import dev.cnnc.compiler.ir.SeparableConv2DLayer;
import dev.cnnc.compiler.ir.UpSampling2DLayer;
import dev.cnnc.interop.InteropException;
import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.Parameter;
import dev.cnnc.runtime.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code cnnc export --onnx}: a cnnc model and its weights as an ONNX model (IR version 7, opset 13, which
 * Debian's onnx 1.12 checks and onnxruntime runs), for inference.
 *
 * <p>The graph's input {@code input} is the model's Keras input, channels last ({@code N x H x W x C});
 * a Transpose makes it NCHW for ONNX's convolutions, and a Transpose back precedes every layer whose meaning
 * depends on Keras' element order (Flatten, Reshape, Permute), so that Dense kernels keep their Keras rows.
 * Keras' {@code same} padding becomes explicit {@code pads} (TensorFlow puts the odd pixel at the end; ONNX
 * calls {@code auto_pad} deprecated), average pooling excludes the padding as Keras does, BatchNormalization
 * carries Keras' epsilon, and Dropout and the noise layers are omitted (identity at inference).
 */
public final class OnnxExport {
    static final long IR_VERSION = 7;
    static final long OPSET = 13;

    private final Model model;
    private final Map<String, Parameter> params = new HashMap<>();
    private final List<Protobuf> nodes = new ArrayList<>();
    private final List<Protobuf> initializers = new ArrayList<>();
    private int counter;

    /** The current tensor: its name, whether it is NCHW (rather than Keras' order), and its Keras shape. */
    private String tensor;
    private boolean nchw;
    private int rank;

    private OnnxExport(Model model, Network net) {
        this.model = model;
        for (Parameter p : net.parameters()) {
            params.put(p.name(), p);
        }
    }

    /** Writes the ONNX file atomically. */
    public static void write(Model model, Network net, Path out) throws IOException, InteropException {
        byte[] bytes;
        try {
            bytes = encode(model, net);
        } catch (IllegalArgumentException e) {
            throw new InteropException(out, "cannot export to ONNX: " + e.getMessage());
        }
        AtomicFiles.write(out, bytes);
    }

    /** The ONNX model's bytes; IllegalArgumentException names a layer the export does not cover. */
    public static byte[] encode(Model model, Network net) {
        return new OnnxExport(model, net).build();
    }

    private byte[] build() {
        tensor = "input";
        rank = model.inputShape().rank();
        nchw = false;
        for (Layer l : model.layers()) {
            layer(l);
        }
        String last = keras();
        Protobuf graph = new Protobuf();
        nodes.forEach(n -> graph.message(1, n));
        graph.string(2, model.name());
        initializers.forEach(t -> graph.message(5, t));
        graph.message(11, valueInfo("input", model.inputShape().dims()));
        graph.message(12, valueInfo(last, model.outputShape().dims()));
        Protobuf opset = new Protobuf().string(1, "").varint(2, OPSET);
        return new Protobuf().varint(1, IR_VERSION).string(2, "cnnc").string(3, "0.1.0").message(7, graph)
                .message(8, opset).toByteArray();
    }

    private void layer(Layer layer) {
        if (layer instanceof Conv2DLayer l) {
            requireChannelsLast(l, l.geometry().dataFormat());
            Parameter k = weight(l, "kernel");
            conv(l, l.name(), l.geometry(), kernel(k.values(), k.shape()), bias(l), 1, activation(l.activation()));
        } else if (layer instanceof DepthwiseConv2DLayer l) {
            requireChannelsLast(l, l.geometry().dataFormat());
            conv(l, l.name(), l.geometry(), depthwise(weight(l, "depthwise_kernel")), bias(l), l.geometry().channels(),
                    activation(l.activation()));
        } else if (layer instanceof SeparableConv2DLayer l) {
            requireChannelsLast(l, l.geometry().dataFormat());
            Geometry2D g = l.geometry();
            conv(l, l.name() + "/depthwise", g, depthwise(weight(l, "depthwise_kernel")), null, g.channels(), null);
            Parameter pointwise = params.get(l.name() + "/pointwise_kernel");
            int[] s = pointwise.shape();
            Geometry2D one = Geometry2D.of(dev.cnnc.compiler.ir.Shape.of(g.outHeight(), g.outWidth(), s[2]),
                    DataFormat.CHANNELS_LAST, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1},
                    dev.cnnc.compiler.ir.Padding.VALID);
            conv(l, l.name() + "/pointwise", one, kernel(pointwise.values(), s), bias(l), 1, activation(l.activation()));
        } else if (layer instanceof Conv2DTransposeLayer l) {
            requireChannelsLast(l, l.geometry().dataFormat());
            convTranspose(l);
        } else if (layer instanceof DenseLayer l) {
            if (rank != 1) {
                throw new IllegalArgumentException("layer '" + l.name() + "' (Dense) on a " + rank
                        + "-D input is not supported by the ONNX export");
            }
            Parameter k = params.get(l.name() + "/kernel");
            List<String> in = new ArrayList<>(List.of(keras(), constant(l.name() + "/kernel", k.values(), k.shape())));
            String b = bias(l);
            if (b != null) {
                in.add(b);
            }
            tensor = node("Gemm", l.name(), in);
            applyActivation(l.name(), activation(l.options().activation()));
        } else if (layer instanceof Pool2DLayer l) {
            Geometry2D g = l.geometry();
            requireChannelsLast(l, g.dataFormat());
            boolean max = l.reduction() == Pool2DLayer.Reduction.MAX;
            List<Protobuf> attrs = new ArrayList<>(List.of(ints("kernel_shape", g.kernelHeight(), g.kernelWidth()),
                    ints("strides", g.strideHeight(), g.strideWidth()), pads(g)));
            if (!max) {
                attrs.add(intAttr("count_include_pad", 0));
            }
            tensor = node(max ? "MaxPool" : "AveragePool", l.name(), List.of(nchw()), attrs);
        } else if (layer instanceof GlobalPool2DLayer l) {
            requireChannelsLast(l, l.dataFormat());
            String pooled = node(l.reduction() == Pool2DLayer.Reduction.MAX ? "GlobalMaxPool" : "GlobalAveragePool",
                    l.name(), List.of(nchw()));
            tensor = node("Flatten", l.name() + "/flatten", List.of(pooled), List.of(intAttr("axis", 1)));
            nchw = false;
            rank = 1;
        } else if (layer instanceof FlattenLayer l) {
            requireChannelsLast(l, l.dataFormat());
            tensor = node("Flatten", l.name(), List.of(keras()), List.of(intAttr("axis", 1)));
            rank = 1;
        } else if (layer instanceof NoiseLayer) {
            // identity at inference
        } else if (layer instanceof ActivationLayer l) {
            applyActivation(l.name(), activation(l.activation()));
        } else if (layer instanceof AdvancedActivationLayer l) {
            advanced(l);
        } else if (layer instanceof PReluLayer l) {
            Parameter alpha = params.get(l.name() + "/alpha");
            int[] s = alpha.shape();
            String slope = s.length == 3
                    ? constant(l.name() + "/alpha", toChannelsFirst(alpha.values(), s), new int[] {s[2], s[0], s[1]})
                    : constant(l.name() + "/alpha", alpha.values(), s);
            tensor = node("PRelu", l.name(), List.of(s.length == 3 ? nchw() : keras(), slope));
        } else if (layer instanceof BatchNormLayer l) {
            if (l.axis() != l.inputShape().rank() - 1) {
                throw new IllegalArgumentException("layer '" + l.name() + "' (BatchNormalization) with axis="
                        + l.axis() + " is not supported by the ONNX export (the channel axis is)");
            }
            int c = l.inputShape().dim(l.inputShape().rank() - 1);
            String x = rank == 3 ? nchw() : keras();
            String scale = l.scale() ? param(l.name() + "/gamma") : constant(l.name() + "/gamma", filled(c, 1), new int[] {c});
            String beta = l.center() ? param(l.name() + "/beta") : constant(l.name() + "/beta", filled(c, 0), new int[] {c});
            tensor = node("BatchNormalization", l.name(), List.of(x, scale, beta, param(l.name() + "/moving_mean"),
                    param(l.name() + "/moving_variance")), List.of(floatAttr("epsilon", (float) l.epsilon())));
        } else if (layer instanceof Border2DLayer l) {
            requireChannelsLast(l, l.dataFormat());
            String x = nchw();
            if (l.kind() == Border2DLayer.Kind.ZERO_PADDING) {
                String pads = longs(l.name() + "/pads", new long[] {0, 0, l.top(), l.left(), 0, 0, l.bottom(), l.right()});
                tensor = node("Pad", l.name(), List.of(x, pads));
            } else {
                int h = l.inputShape().dim(0);
                int w = l.inputShape().dim(1);
                tensor = node("Slice", l.name(), List.of(x, longs(l.name() + "/starts", new long[] {l.top(), l.left()}),
                        longs(l.name() + "/ends", new long[] {h - l.bottom(), w - l.right()}),
                        longs(l.name() + "/axes", new long[] {2, 3})));
            }
        } else if (layer instanceof UpSampling2DLayer l) {
            requireChannelsLast(l, l.dataFormat());
            if (l.interpolation() != UpSampling2DLayer.Interpolation.NEAREST) {
                throw new IllegalArgumentException("layer '" + l.name() + "' (UpSampling2D) with bilinear interpolation "
                        + "is not supported by the ONNX export (nearest is)");
            }
            String scales = constant(l.name() + "/scales", new float[] {1, 1, l.sizeHeight(), l.sizeWidth()}, new int[] {4});
            String roi = constant(l.name() + "/roi", new float[0], new int[] {0});
            tensor = node("Resize", l.name(), List.of(nchw(), roi, scales), List.of(stringAttr("mode", "nearest"),
                    stringAttr("coordinate_transformation_mode", "asymmetric"), stringAttr("nearest_mode", "floor")));
        } else if (layer instanceof ReshapeLayer l) {
            int[] dims = l.outputShape().dims();
            long[] shape = new long[dims.length + 1];
            shape[0] = -1;
            for (int i = 0; i < dims.length; i++) {
                shape[i + 1] = dims[i];
            }
            tensor = node("Reshape", l.name(), List.of(keras(), longs(l.name() + "/shape", shape)));
            rank = dims.length;
        } else if (layer instanceof PermuteLayer l) {
            long[] perm = new long[l.dims().length + 1];
            for (int i = 0; i < l.dims().length; i++) {
                perm[i + 1] = l.dims()[i];
            }
            tensor = node("Transpose", l.name(), List.of(keras()), List.of(ints("perm", perm)));
        } else {
            throw new IllegalArgumentException("layer '" + layer.name() + "' (" + layer.kerasClass()
                    + ") is not supported by the ONNX export yet");
        }
    }

    private void requireChannelsLast(Layer l, DataFormat f) {
        if (f != DataFormat.CHANNELS_LAST) {
            throw new IllegalArgumentException("layer '" + l.name() + "' (" + l.kerasClass() + ") is channels_first; "
                    + "the ONNX export supports channels_last models");
        }
    }

    private void conv(Layer l, String name, Geometry2D g, float[][] w, String bias, int group, Activation act) {
        List<String> in = new ArrayList<>(List.of(nchw(), constant(name + "/W", w[0], toInts(w[1]))));
        if (bias != null) {
            in.add(bias);
        }
        List<Protobuf> attrs = new ArrayList<>(List.of(ints("kernel_shape", g.kernelHeight(), g.kernelWidth()),
                ints("strides", g.strideHeight(), g.strideWidth()), ints("dilations", g.dilationHeight(),
                        g.dilationWidth()), pads(g)));
        if (group > 1) {
            attrs.add(intAttr("group", group));
        }
        tensor = node("Conv", name, in, attrs);
        if (act != null) {
            applyActivation(l.name(), act);
        }
    }

    private void convTranspose(Conv2DTransposeLayer l) {
        Geometry2D g = l.geometry();
        Parameter k = params.get(l.name() + "/kernel");
        int[] s = k.shape(); // (kh, kw, out, in)
        float[] w = new float[k.size()];
        for (int y = 0; y < s[0]; y++) {
            for (int x = 0; x < s[1]; x++) {
                for (int o = 0; o < s[2]; o++) {
                    for (int i = 0; i < s[3]; i++) {
                        w[((i * s[2] + o) * s[0] + y) * s[1] + x] = k.values()[((y * s[1] + x) * s[2] + o) * s[3] + i];
                    }
                }
            }
        }
        int outH = l.outputShape().dim(0);
        int outW = l.outputShape().dim(1);
        int fullH = (l.inputShape().dim(0) - 1) * g.strideHeight() + (g.kernelHeight() - 1) * g.dilationHeight() + 1;
        int fullW = (l.inputShape().dim(1) - 1) * g.strideWidth() + (g.kernelWidth() - 1) * g.dilationWidth() + 1;
        int totalH = Math.max(fullH - outH, 0);
        int totalW = Math.max(fullW - outW, 0);
        List<String> in = new ArrayList<>(List.of(nchw(), constant(l.name() + "/W", w, new int[] {s[3], s[2], s[0], s[1]})));
        String b = bias(l);
        if (b != null) {
            in.add(b);
        }
        tensor = node("ConvTranspose", l.name(), in, List.of(ints("kernel_shape", g.kernelHeight(), g.kernelWidth()),
                ints("strides", g.strideHeight(), g.strideWidth()), ints("dilations", g.dilationHeight(),
                        g.dilationWidth()), ints("pads", totalH / 2, totalW / 2, totalH - totalH / 2, totalW - totalW / 2),
                ints("output_padding", Math.max(outH - fullH, 0), Math.max(outW - fullW, 0))));
        applyActivation(l.name(), activation(l.options().activation()));
    }

    private static Activation activation(Activation a) {
        return a == Activation.LINEAR ? null : a;
    }

    private void applyActivation(String layer, Activation a) {
        if (a == null) {
            return;
        }
        String name = layer + "/" + a.keras();
        switch (a) {
            case RELU -> tensor = node("Relu", name, List.of(tensor));
            case SIGMOID -> tensor = node("Sigmoid", name, List.of(tensor));
            case HARD_SIGMOID -> tensor = node("HardSigmoid", name, List.of(tensor),
                    List.of(floatAttr("alpha", 0.2f), floatAttr("beta", 0.5f)));
            case TANH -> tensor = node("Tanh", name, List.of(tensor));
            case SOFTMAX -> tensor = node("Softmax", name, List.of(tensor), List.of(intAttr("axis", nchw ? 1 : -1)));
            case SOFTPLUS -> tensor = node("Softplus", name, List.of(tensor));
            case SOFTSIGN -> tensor = node("Softsign", name, List.of(tensor));
            case ELU -> tensor = node("Elu", name, List.of(tensor), List.of(floatAttr("alpha", 1f)));
            case SELU -> tensor = node("Selu", name, List.of(tensor));
            case EXPONENTIAL -> tensor = node("Exp", name, List.of(tensor));
            default -> throw new IllegalArgumentException("activation " + a.keras() + " is not supported by the ONNX export");
        }
    }

    private void advanced(AdvancedActivationLayer l) {
        if (l.function() == AdvancedActivationLayer.Function.ELU) {
            tensor = node("Elu", l.name(), List.of(tensor), List.of(floatAttr("alpha", (float) l.alpha())));
        } else if (l.kerasClass().equals("ThresholdedReLU")) {
            tensor = node("ThresholdedRelu", l.name(), List.of(tensor), List.of(floatAttr("alpha", (float) l.threshold())));
        } else if (l.threshold() == 0 && l.maxValue() == null) {
            tensor = l.alpha() == 0 ? node("Relu", l.name(), List.of(tensor))
                    : node("LeakyRelu", l.name(), List.of(tensor), List.of(floatAttr("alpha", (float) l.alpha())));
        } else if (l.threshold() == 0 && l.alpha() == 0) {
            tensor = node("Clip", l.name(), List.of(tensor, constant(l.name() + "/min", new float[] {0}, new int[0]),
                    constant(l.name() + "/max", new float[] {l.maxValue().floatValue()}, new int[0])));
        } else {
            throw new IllegalArgumentException("layer '" + l.name() + "' (" + l.kerasClass() + ") with threshold or "
                    + "negative_slope besides max_value is not supported by the ONNX export");
        }
    }

    /** The current tensor in NCHW, transposing it from Keras' order if needed. */
    private String nchw() {
        if (!nchw && rank == 3) {
            tensor = node("Transpose", tensor.equals("input") ? "input/nchw" : tensor + "/nchw", List.of(tensor),
                    List.of(ints("perm", 0, 3, 1, 2)));
            nchw = true;
        }
        return tensor;
    }

    /** The current tensor in Keras' order (channels last), transposing it back if needed. */
    private String keras() {
        if (nchw) {
            tensor = node("Transpose", tensor + "/nhwc", List.of(tensor), List.of(ints("perm", 0, 2, 3, 1)));
            nchw = false;
        }
        return tensor;
    }

    private String bias(Layer l) {
        return params.containsKey(l.name() + "/bias") ? param(l.name() + "/bias") : null;
    }

    private Parameter weight(Layer l, String role) {
        return params.get(l.name() + "/" + role);
    }

    private String param(String name) {
        Parameter p = params.get(name);
        return constant(name, p.values(), p.shape());
    }

    /** A Keras conv kernel (kh, kw, in, out) as ONNX's (out, in, kh, kw), with that shape. */
    private static float[][] kernel(float[] k, int[] s) {
        float[] w = new float[k.length];
        for (int y = 0; y < s[0]; y++) {
            for (int x = 0; x < s[1]; x++) {
                for (int i = 0; i < s[2]; i++) {
                    for (int o = 0; o < s[3]; o++) {
                        w[((o * s[2] + i) * s[0] + y) * s[1] + x] = k[((y * s[1] + x) * s[2] + i) * s[3] + o];
                    }
                }
            }
        }
        return new float[][] {w, {s[3], s[2], s[0], s[1]}};
    }

    /** A Keras depthwise kernel (kh, kw, in, m) as ONNX's grouped (in*m, 1, kh, kw): output channel c*m + j. */
    private static float[][] depthwise(Parameter p) {
        int[] s = p.shape();
        float[] k = p.values();
        float[] w = new float[k.length];
        for (int y = 0; y < s[0]; y++) {
            for (int x = 0; x < s[1]; x++) {
                for (int c = 0; c < s[2]; c++) {
                    for (int j = 0; j < s[3]; j++) {
                        w[((c * s[3] + j) * s[0] + y) * s[1] + x] = k[((y * s[1] + x) * s[2] + c) * s[3] + j];
                    }
                }
            }
        }
        return new float[][] {w, {s[2] * s[3], 1, s[0], s[1]}};
    }

    private static float[] toChannelsFirst(float[] v, int[] s) {
        float[] out = new float[v.length];
        for (int y = 0; y < s[0]; y++) {
            for (int x = 0; x < s[1]; x++) {
                for (int c = 0; c < s[2]; c++) {
                    out[(c * s[0] + y) * s[1] + x] = v[(y * s[1] + x) * s[2] + c];
                }
            }
        }
        return out;
    }

    private static int[] toInts(float[] f) {
        int[] r = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            r[i] = (int) f[i];
        }
        return r;
    }

    private static float[] filled(int n, float v) {
        float[] f = new float[n];
        java.util.Arrays.fill(f, v);
        return f;
    }

    // ---------------------------------------------------------------------------------------------
    // ONNX messages (field numbers from onnx.proto)

    private String node(String op, String name, List<String> inputs) {
        return node(op, name, inputs, List.of());
    }

    private String node(String op, String name, List<String> inputs, List<Protobuf> attributes) {
        String output = name.equals(tensor) ? name + "/" + (++counter) : name;
        Protobuf n = new Protobuf();
        inputs.forEach(i -> n.string(1, i));
        n.string(2, output).string(3, output).string(4, op);
        attributes.forEach(a -> n.message(5, a));
        nodes.add(n);
        return output;
    }

    private String constant(String name, float[] values, int[] dims) {
        Protobuf t = new Protobuf();
        for (int d : dims) {
            t.varint(1, d);
        }
        t.varint(2, 1).string(8, name).bytes(9, Protobuf.littleEndian(values));
        initializers.add(t);
        return name;
    }

    private String longs(String name, long[] values) {
        Protobuf t = new Protobuf().varint(1, values.length).varint(2, 7).string(8, name)
                .bytes(9, Protobuf.littleEndian(values));
        initializers.add(t);
        return name;
    }

    private static Protobuf valueInfo(String name, int[] kerasDims) {
        Protobuf shape = new Protobuf().message(1, new Protobuf().string(2, "N"));
        for (int d : kerasDims) {
            shape.message(1, new Protobuf().varint(1, d));
        }
        Protobuf tensorType = new Protobuf().varint(1, 1).message(2, shape);
        return new Protobuf().string(1, name).message(2, new Protobuf().message(1, tensorType));
    }

    private static Protobuf pads(Geometry2D g) {
        return ints("pads", g.padTop(), g.padLeft(), g.padBottom(), g.padRight());
    }

    private static Protobuf ints(String name, long... values) {
        Protobuf a = new Protobuf().string(1, name);
        for (long v : values) {
            a.varint(8, v);
        }
        return a.varint(20, 7);
    }

    private static Protobuf ints(String name, int... values) {
        long[] l = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            l[i] = values[i];
        }
        return ints(name, l);
    }

    private static Protobuf intAttr(String name, long value) {
        return new Protobuf().string(1, name).varint(3, value).varint(20, 2);
    }

    private static Protobuf floatAttr(String name, float value) {
        return new Protobuf().string(1, name).float32(2, value).varint(20, 1);
    }

    private static Protobuf stringAttr(String name, String value) {
        return new Protobuf().string(1, name).string(4, value).varint(20, 3);
    }
}
