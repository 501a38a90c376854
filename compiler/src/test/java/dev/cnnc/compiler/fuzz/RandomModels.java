package dev.cnnc.compiler.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.StringJoiner;

/**
 * Random valid models: stacks of Conv2D and its variants, poolings, borders, reshapes, up-sampling,
 * BatchNormalization, activation and noise layers, Flatten and Dense, drawn from everything
 * docs/language.md allows (kernel sizes, strides, dilation, both paddings and data formats,
 * activations, use_bias, initializers, regularizers, constraints, names, both statement styles),
 * with the shape of every layer computed independently of the compiler, from Keras' formulas, as
 * the oracle for shape inference.
 */
final class RandomModels {
    static final String[] ACTIVATIONS = {"linear", "relu", "sigmoid", "hard_sigmoid", "tanh", "softmax", "softplus",
        "softsign", "elu", "selu", "exponential"};

    /** One generated model: its source and the shapes it must have (in Keras' order, batch excluded). */
    record Generated(String name, String source, int[] input, List<int[]> shapes, List<String> kinds) {
        int[] output() {
            return shapes.get(shapes.size() - 1);
        }
    }

    private final Random r;
    private final StringBuilder out = new StringBuilder();
    private final List<int[]> shapes = new ArrayList<>();
    private final List<String> kinds = new ArrayList<>();
    private boolean kerasStyle;
    private int namedLayers;
    private String lastActivation = "linear";

    private RandomModels(Random r) {
        this.r = r;
    }

    static Generated generate(Random random, int index) {
        return new RandomModels(random).model("R" + index);
    }

    private Generated model(String name) {
        kerasStyle = r.nextInt(4) == 0;
        boolean flat = r.nextInt(6) == 0;
        int[] input = flat ? new int[] {1 + r.nextInt(40)} : null;
        boolean channelsFirst = r.nextInt(3) == 0;
        if (!flat) {
            int h = 1 + r.nextInt(16);
            int w = r.nextInt(3) == 0 ? 1 + r.nextInt(16) : h;
            int c = 1 + r.nextInt(4);
            input = channelsFirst ? new int[] {c, h, w} : new int[] {h, w, c};
        }
        out.append("# generated\n");
        if (kerasStyle) {
            out.append("from keras import layers, models\n");
            out.append("model = models.Sequential(name='").append(name).append("')\n");
        } else {
            out.append("model ").append(name).append('\n');
        }
        out.append(r.nextBoolean() ? "input" + tuple(input) : "input(shape=" + tuple(input) + ")").append('\n');
        int[] shape = input;
        boolean weighted = false; // a model without weights has no gradient to compare
        if (!flat) {
            int blocks = r.nextInt(4);
            weighted = blocks > 0; // the first block is a convolution
            for (int b = 0; b < blocks; b++) {
                String format = r.nextInt(6) == 0 ? (channelsFirst ? "channels_last" : "channels_first")
                        : channelsFirst ? "channels_first" : "channels_last";
                // the first block is a convolution, so that the model has weights before its head
                int pick = b == 0 ? 9 : r.nextInt(10);
                shape = pick < 2 ? pool(shape, format) : pick == 2 ? border(shape, format)
                        : pick == 3 ? reshapeOrPermute(shape) : pick == 4 ? upSampling(shape, format)
                        : r.nextInt(4) == 0 ? depthwise(shape, format, r.nextBoolean())
                        : r.nextInt(5) == 0 ? transposed(shape, format) : conv(shape, format);
                if (r.nextInt(4) == 0) {
                    shape = batchNorm(shape, format);
                }
                shape = maybeElementwise(shape);
            }
            if (blocks == 0 || r.nextInt(8) > 0) { // else the model ends on a feature map
                String format = channelsFirst && r.nextInt(4) > 0 ? "channels_first" : "channels_last";
                shape = r.nextInt(4) == 0 ? globalPool(shape, format) : flatten(shape, format);
            }
        }
        if (shape.length == 1) {
            int dense = (weighted ? 0 : 1) + r.nextInt(3);
            for (int d = 0; d < dense; d++) {
                shape = dense(d == dense - 1);
                if (d < dense - 1 && r.nextInt(5) == 0) {
                    shape = batchNorm(shape, "channels_last");
                }
                shape = maybeElementwise(shape);
            }
        }
        if (shape.length == 1 && r.nextBoolean()) {
            String loss = lastActivation.equals("softmax") ? "'categorical_crossentropy'" : "'mse'";
            statement("compile", "optimizer=" + pick("'rmsprop'", "'adam'", "SGD(lr=0.01, momentum=0.9)", "'adagrad'",
                    "'adadelta'", "Adadelta()", "optimizers.Adamax(lr=0.002, decay=0.01)", "'nadam'",
                    "keras.optimizers.RMSprop(lr=1e-4, decay=1e-6)", "Adam(clipnorm=1.0)", "SGD(clipvalue=0.5)")
                    + ", loss=" + loss + ", metrics=['accuracy']", true);
            statement("fit", "epochs=" + (1 + r.nextInt(3)) + ", batch_size=" + (1 + r.nextInt(64)), true);
        }
        return new Generated(name, out.toString(), input, List.copyOf(shapes), List.copyOf(kinds));
    }

    // -----------------------------------------------------------------------------------------
    // Layers, each with its Keras shape rule

    private int[] conv(int[] in, String format) {
        boolean first = format.equals("channels_first");
        int h = first ? in[1] : in[0];
        int w = first ? in[2] : in[1];
        int filters = 1 + r.nextInt(6);
        boolean dilated = r.nextInt(5) == 0;
        int[] dilation = dilated ? new int[] {1 + r.nextInt(3), 1 + r.nextInt(3)} : new int[] {1, 1};
        int[] strides = dilated ? new int[] {1, 1} : r.nextInt(3) == 0 ? new int[] {1 + r.nextInt(3), 1 + r.nextInt(3)}
                : new int[] {1, 1};
        boolean same = r.nextBoolean();
        int[] kernel = {window(h, dilation[0], same), window(w, dilation[1], same)};
        int outH = length(h, kernel[0], strides[0], dilation[0], same);
        int outW = length(w, kernel[1], strides[1], dilation[1], same);
        List<String> args = new ArrayList<>();
        boolean positional = r.nextBoolean();
        args.add(positional ? "" + filters : "filters=" + filters);
        args.add((positional ? "" : "kernel_size=") + pair(kernel));
        if (strides[0] != 1 || strides[1] != 1 || r.nextInt(4) == 0) {
            args.add("strides=" + pair(strides));
        }
        if (same || r.nextInt(3) == 0) {
            args.add("padding=" + casing(same ? "same" : "valid"));
        }
        if (first || r.nextInt(4) == 0) {
            args.add("data_format=" + casing(format));
        }
        if (dilated || r.nextInt(6) == 0) {
            args.add("dilation_rate=" + pair(dilation));
        }
        weightArguments(args, 4, false);
        return add("Conv2D", args, first ? new int[] {filters, outH, outW} : new int[] {outH, outW, filters});
    }

    /** DepthwiseConv2D, or (separable) SeparableConv2D with its filters, dilation and pointwise arguments. */
    private int[] depthwise(int[] in, String format, boolean separable) {
        boolean first = format.equals("channels_first");
        int h = first ? in[1] : in[0];
        int w = first ? in[2] : in[1];
        int c = first ? in[0] : in[2];
        int multiplier = 1 + r.nextInt(3);
        int filters = 1 + r.nextInt(5);
        boolean dilated = separable && r.nextInt(4) == 0;
        int[] dilation = dilated ? new int[] {1 + r.nextInt(3), 1 + r.nextInt(3)} : new int[] {1, 1};
        int[] strides = !dilated && r.nextInt(3) == 0 ? new int[] {1 + r.nextInt(3), 1 + r.nextInt(3)} : new int[] {1, 1};
        boolean same = r.nextBoolean();
        int[] kernel = {window(h, dilation[0], same), window(w, dilation[1], same)};
        int outH = length(h, kernel[0], strides[0], dilation[0], same);
        int outW = length(w, kernel[1], strides[1], dilation[1], same);
        List<String> args = new ArrayList<>();
        boolean positional = r.nextBoolean();
        if (separable) {
            args.add(positional ? "" + filters : "filters=" + filters);
        }
        args.add((positional ? "" : "kernel_size=") + pair(kernel));
        if (dilated) {
            args.add("dilation_rate=" + pair(dilation));
        }
        if (strides[0] != 1 || strides[1] != 1 || r.nextInt(4) == 0) {
            args.add("strides=" + pair(strides));
        }
        if (same || r.nextInt(3) == 0) {
            args.add("padding=" + casing(same ? "same" : "valid"));
        }
        if (multiplier != 1 || r.nextInt(4) == 0) {
            args.add("depth_multiplier=" + multiplier);
        }
        if (first || r.nextInt(4) == 0) {
            args.add("data_format=" + casing(format));
        }
        weightArguments(args, 4, false, "depthwise");
        if (separable && r.nextInt(3) == 0) {
            args.add("pointwise_initializer=" + pick("'he_normal'", "'zeros'", "RandomNormal(stddev=0.1)"));
        }
        if (separable && r.nextInt(3) == 0) {
            args.add("pointwise_regularizer=" + regularizer());
        }
        if (separable && r.nextInt(3) == 0) {
            args.add("pointwise_constraint=" + constraint(4));
        }
        int oc = separable ? filters : c * multiplier;
        return add(separable ? "SeparableConv2D" : "DepthwiseConv2D", args,
                first ? new int[] {oc, outH, outW} : new int[] {outH, outW, oc});
    }

    /** Conv2DTranspose, its output length by Keras' deconv_length; only combinations TensorFlow accepts. */
    private int[] transposed(int[] in, String format) {
        boolean first = format.equals("channels_first");
        int h = first ? in[1] : in[0];
        int w = first ? in[2] : in[1];
        int filters = 1 + r.nextInt(4);
        boolean dilated = r.nextInt(5) == 0;
        int d = dilated ? 2 : 1;
        int[] strides = !dilated && r.nextBoolean() ? new int[] {1 + r.nextInt(3), 1 + r.nextInt(3)} : new int[] {1, 1};
        boolean same = r.nextBoolean();
        // odd kernels: with 'same' and an output_padding, an even one can fail TensorFlow's check
        int[] kernel = {1 + 2 * r.nextInt(3), 1 + 2 * r.nextInt(3)};
        boolean padded = r.nextInt(3) == 0;
        int[] op = {padded ? r.nextInt(strides[0]) : -1, padded ? r.nextInt(strides[1]) : -1};
        int outH = deconvLength(h, strides[0], kernel[0], same, op[0], d);
        int outW = deconvLength(w, strides[1], kernel[1], same, op[1], d);
        List<String> args = new ArrayList<>();
        boolean positional = r.nextBoolean();
        args.add(positional ? "" + filters : "filters=" + filters);
        args.add((positional ? "" : "kernel_size=") + pair(kernel));
        if (strides[0] != 1 || strides[1] != 1 || r.nextInt(4) == 0) {
            args.add("strides=" + pair(strides));
        }
        if (same || r.nextInt(3) == 0) {
            args.add("padding=" + casing(same ? "same" : "valid"));
        }
        if (padded) {
            args.add("output_padding=" + pair(op));
        } else if (r.nextInt(4) == 0) {
            args.add("output_padding=None");
        }
        if (first || r.nextInt(4) == 0) {
            args.add("data_format=" + casing(format));
        }
        if (dilated) {
            args.add("dilation_rate=" + d);
        }
        weightArguments(args, 4, false);
        return add(pick("Conv2DTranspose", "Conv2DTranspose", "Deconvolution2D"), args,
                first ? new int[] {filters, outH, outW} : new int[] {outH, outW, filters});
    }

    /** Keras 2.2.4 conv_utils.deconv_length; {@code outputPadding} -1 for None. */
    static int deconvLength(int n, int s, int k, boolean same, int outputPadding, int d) {
        int kernel = k + (k - 1) * (d - 1);
        if (outputPadding < 0) {
            return same ? n * s : n * s + Math.max(kernel - s, 0);
        }
        return (n - 1) * s + kernel - 2 * (same ? kernel / 2 : 0) + outputPadding;
    }

    private int[] pool(int[] in, String format) {
        boolean first = format.equals("channels_first");
        int h = first ? in[1] : in[0];
        int w = first ? in[2] : in[1];
        boolean same = r.nextBoolean();
        int[] pool = {window(h, 1, same), window(w, 1, same)};
        boolean explicitStrides = r.nextBoolean();
        int[] strides = explicitStrides ? new int[] {1 + r.nextInt(3), 1 + r.nextInt(3)} : pool;
        int outH = length(h, pool[0], strides[0], 1, same);
        int outW = length(w, pool[1], strides[1], 1, same);
        List<String> args = new ArrayList<>();
        if (!(pool[0] == 2 && pool[1] == 2) || r.nextBoolean()) {
            args.add((r.nextBoolean() ? "" : "pool_size=") + pair(pool));
        }
        if (explicitStrides) {
            args.add("strides=" + pair(strides));
        } else if (r.nextInt(4) == 0) {
            args.add("strides=None");
        }
        if (same || r.nextInt(3) == 0) {
            args.add("padding=" + casing(same ? "same" : "valid"));
        }
        if (first || r.nextInt(4) == 0) {
            args.add("data_format=" + casing(format));
        }
        String kind = pick("MaxPool2D", "MaxPooling2D", "MaxPooling2D", "AveragePooling2D", "AvgPool2D");
        int c = first ? in[0] : in[2];
        return add(kind, args, first ? new int[] {c, outH, outW} : new int[] {outH, outW, c});
    }

    /** BatchNormalization along the channels ({@code axis=1} for channels-first); the shape is unchanged. */
    private int[] batchNorm(int[] in, String format) {
        List<String> args = new ArrayList<>();
        if (format.equals("channels_first") && in.length == 3) {
            args.add(r.nextBoolean() ? "axis=1" : "1");
        } else if (r.nextInt(3) == 0) {
            args.add("axis=" + (r.nextBoolean() ? -1 : in.length));
        }
        if (r.nextInt(3) == 0) {
            args.add("momentum=" + pick("0.9", "0.5", "0.99"));
        }
        if (r.nextInt(3) == 0) {
            args.add("epsilon=" + pick("1e-3", "0.01", "1e-5"));
        }
        if (r.nextInt(4) == 0) {
            args.add("center=False");
        }
        if (r.nextInt(4) == 0) {
            args.add("scale=False");
        }
        if (r.nextInt(4) == 0) {
            args.add("gamma_initializer=" + pick("'ones'", "'he_normal'", "RandomUniform(0.5, 1.5)"));
        }
        return add("BatchNormalization", args, in.clone());
    }

    /** Now and then an activation layer, which keeps the shape. */
    private int[] maybeElementwise(int[] in) {
        if (r.nextInt(4) != 0) {
            return in;
        }
        List<String> args = new ArrayList<>();
        String kind = pick("Activation", "Softmax", "ReLU", "LeakyReLU", "ELU", "ThresholdedReLU", "PReLU", "Dropout",
                "Dropout", "SpatialDropout2D", "GaussianNoise", "GaussianDropout");
        String activation = "linear";
        switch (kind) {
            case "Activation" -> {
                activation = ACTIVATIONS[r.nextInt(ACTIVATIONS.length)];
                args.add((r.nextBoolean() ? "" : "activation=") + "'" + activation + "'");
            }
            case "Softmax" -> {
                activation = "softmax";
                if (r.nextBoolean()) {
                    args.add(pick("axis=-1", "-1", "axis=" + in.length));
                }
            }
            case "ReLU" -> {
                if (r.nextBoolean()) {
                    args.add("max_value=" + pick("None", "6", "1.5", "6.0"));
                }
                if (r.nextBoolean()) {
                    args.add("negative_slope=" + pick("0.0", "0.1", "0.3"));
                }
                if (r.nextInt(3) == 0) {
                    args.add("threshold=" + pick("0.0", "0.5", "-0.5"));
                }
            }
            case "LeakyReLU", "ELU" -> {
                if (r.nextBoolean()) {
                    args.add((r.nextBoolean() ? "" : "alpha=") + pick("0.3", "0.01", "1.0", "0.5"));
                }
            }
            case "ThresholdedReLU" -> {
                if (r.nextBoolean()) {
                    args.add((r.nextBoolean() ? "" : "theta=") + pick("1.0", "0.1", "0"));
                }
            }
            case "Dropout" -> {
                args.add((r.nextBoolean() ? "" : "rate=") + pick("0.5", "0.25", "0.0", "0.9", "1"));
                if (r.nextInt(3) == 0) {
                    args.add("noise_shape=" + (in.length == 3 ? pick("None", "(None, 1, 1, " + in[2] + ")",
                            "(None, " + in[0] + ", 1, None)", "[None, None, None, None]")
                            : pick("None", "(None, " + in[0] + ")", "(None, 1)", "(None, None)")));
                }
                if (r.nextInt(3) == 0) {
                    args.add("seed=" + pick("None", "1", "42"));
                }
            }
            case "SpatialDropout2D" -> {
                if (in.length != 3) {
                    return in;
                }
                args.add((r.nextBoolean() ? "" : "rate=") + pick("0.5", "0.1"));
                if (r.nextBoolean()) {
                    args.add("data_format=" + casing(pick("channels_last", "channels_first")));
                }
            }
            case "GaussianNoise" -> args.add((r.nextBoolean() ? "" : "stddev=") + pick("0.1", "1.0", "0"));
            case "GaussianDropout" -> args.add((r.nextBoolean() ? "" : "rate=") + pick("0.1", "0.5", "0"));
            default -> { // PReLU
                if (r.nextBoolean()) {
                    args.add("alpha_initializer=" + pick("'zeros'", "'ones'", "Constant(0.25)", "RandomUniform(0, 0.5)"));
                }
                if (in.length == 3 && r.nextBoolean()) {
                    args.add("shared_axes=" + pick("[1, 2]", "(1, 2)", "1", "[3]", "[1, 2, 3]"));
                } else if (r.nextInt(4) == 0) {
                    args.add("shared_axes=" + pick("None", "1", "[1]"));
                }
                if (r.nextInt(4) == 0) {
                    args.add("alpha_regularizer=" + regularizer());
                }
                if (r.nextInt(4) == 0) {
                    args.add("alpha_constraint=" + pick("None", "non_neg()", "'non_neg'", "max_norm(2.0, axis=0)"));
                }
            }
        }
        lastActivation = activation;
        return add(kind, args, in);
    }

    /** ZeroPadding2D or Cropping2D (never cropping everything), in one of Keras' three forms. */
    private int[] border(int[] in, String format) {
        boolean first = format.equals("channels_first");
        int h = first ? in[1] : in[0];
        int w = first ? in[2] : in[1];
        int c = first ? in[0] : in[2];
        boolean pad = r.nextBoolean();
        int[] b = new int[4];
        int form = r.nextInt(3);
        for (int i = 0; i < 4; i++) {
            int limit = pad ? 3 : Math.max(0, (i < 2 ? h : w) - 1) / 2;
            b[i] = form == 0 && i > 0 ? b[0] : form == 1 && i % 2 == 1 ? b[i - 1] : r.nextInt(limit + 1);
        }
        if (form == 0) {
            int limit = pad ? 3 : Math.max(0, Math.min(h, w) - 1) / 2;
            b[0] = r.nextInt(limit + 1);
            java.util.Arrays.fill(b, b[0]);
        }
        String spec = switch (form) {
            case 0 -> "" + b[0];
            case 1 -> "(" + b[0] + ", " + b[2] + ")";
            default -> "((" + b[0] + ", " + b[1] + "), (" + b[2] + ", " + b[3] + "))";
        };
        String name = pad ? "padding" : "cropping";
        List<String> args = new ArrayList<>();
        boolean dflt = pad ? form == 1 && b[0] == 1 && b[2] == 1 : b[0] + b[1] + b[2] + b[3] == 0;
        if (!dflt || r.nextBoolean()) {
            args.add(r.nextBoolean() ? spec : name + "=" + spec);
        }
        if (first || r.nextInt(4) == 0) {
            args.add("data_format=" + casing(format));
        }
        int sign = pad ? 1 : -1;
        int oh = h + sign * (b[0] + b[1]);
        int ow = w + sign * (b[2] + b[3]);
        return add(pad ? "ZeroPadding2D" : "Cropping2D", args, first ? new int[] {c, oh, ow} : new int[] {oh, ow, c});
    }

    /** A rank-3 Reshape (maybe with -1) or a Permute of the 3 axes. */
    private int[] reshapeOrPermute(int[] in) {
        List<String> args = new ArrayList<>();
        if (r.nextBoolean()) {
            int[][] perms = {{1, 2, 3}, {1, 3, 2}, {2, 1, 3}, {2, 3, 1}, {3, 1, 2}, {3, 2, 1}};
            int[] p = perms[r.nextInt(perms.length)];
            String dims = "(" + p[0] + ", " + p[1] + ", " + p[2] + ")";
            args.add(r.nextBoolean() ? dims : "dims=" + dims);
            return add("Permute", args, new int[] {in[p[0] - 1], in[p[1] - 1], in[p[2] - 1]});
        }
        int[] out = switch (r.nextInt(3)) {
            case 0 -> new int[] {in[1], in[0], in[2]};
            case 1 -> new int[] {in[0] * in[1], 1, in[2]};
            default -> new int[] {in[0], in[2], in[1]};
        };
        int unknown = r.nextInt(4);
        StringJoiner j = new StringJoiner(", ", "(", ")");
        for (int i = 0; i < 3; i++) {
            j.add(i == unknown ? "-1" : "" + out[i]);
        }
        args.add(r.nextBoolean() ? j.toString() : "target_shape=" + j);
        return add("Reshape", args, out);
    }

    private int[] upSampling(int[] in, String format) {
        boolean first = format.equals("channels_first");
        int[] size = {1 + r.nextInt(3), 1 + r.nextInt(3)};
        List<String> args = new ArrayList<>();
        if (size[0] != 2 || size[1] != 2 || r.nextBoolean()) {
            args.add((r.nextBoolean() ? "" : "size=") + pair(size));
        }
        if (first || r.nextInt(4) == 0) {
            args.add("data_format=" + casing(format));
        }
        String interpolation = r.nextBoolean() ? "bilinear" : "nearest";
        if (interpolation.equals("bilinear") || r.nextInt(4) == 0) {
            args.add("interpolation='" + interpolation + "'");
        }
        return add("UpSampling2D", args, first ? new int[] {in[0], in[1] * size[0], in[2] * size[1]}
                : new int[] {in[0] * size[0], in[1] * size[1], in[2]});
    }

    private int[] flatten(int[] in, String format) {
        List<String> args = new ArrayList<>();
        if (format.equals("channels_first") || r.nextInt(4) == 0) {
            args.add(r.nextBoolean() ? "'" + format + "'" : "data_format='" + format + "'");
        }
        return add("Flatten", args, new int[] {in[0] * in[1] * in[2]});
    }

    private int[] globalPool(int[] in, String format) {
        boolean first = format.equals("channels_first");
        List<String> args = new ArrayList<>();
        if (first || r.nextInt(4) == 0) {
            args.add(r.nextBoolean() ? casing(format) : "data_format=" + casing(format));
        }
        String kind = pick("GlobalMaxPooling2D", "GlobalMaxPool2D", "GlobalAveragePooling2D", "GlobalAvgPool2D");
        return add(kind, args, new int[] {first ? in[0] : in[2]});
    }

    private int[] dense(boolean last) {
        int units = 1 + r.nextInt(12);
        List<String> args = new ArrayList<>();
        args.add(r.nextBoolean() ? "" + units : "units=" + units);
        weightArguments(args, 2, last);
        return add("Dense", args, new int[] {units});
    }

    /** activation, use_bias, initializers, regularizers and constraints, each present or not. */
    private void weightArguments(List<String> args, int kernelRank, boolean last) {
        weightArguments(args, kernelRank, last, "kernel");
    }

    /** The same, the kernel's arguments named {@code <kernel>_initializer}, ... (DepthwiseConv2D: depthwise). */
    private void weightArguments(List<String> args, int kernelRank, boolean last, String kernel) {
        String activation = last && r.nextBoolean() ? "softmax" : ACTIVATIONS[r.nextInt(ACTIVATIONS.length)];
        lastActivation = "linear";
        if (!activation.equals("linear") || r.nextInt(4) == 0) {
            args.add("activation='" + activation + "'");
            lastActivation = activation;
        } else if (r.nextInt(4) == 0) {
            args.add("activation=None");
        }
        boolean bias = r.nextInt(4) > 0;
        if (!bias || r.nextInt(4) == 0) {
            args.add("use_bias=" + (bias ? "True" : "False"));
        }
        if (r.nextInt(3) == 0) {
            args.add(kernel + "_initializer=" + pick("'glorot_uniform'", "'glorot_normal'", "'he_normal'", "'he_uniform'",
                    "'lecun_normal'", "'lecun_uniform'", "RandomNormal(stddev=0.1, seed=3)", "'random_uniform'",
                    "TruncatedNormal(0.0, 0.2)", "VarianceScaling(2.0, 'fan_out', 'uniform')",
                    "initializers.VarianceScaling(scale=0.5, mode='fan_avg', distribution='normal', seed=None)",
                    "RandomUniform(-0.1, 0.1)"));
        }
        if (bias && r.nextInt(4) == 0) {
            args.add("bias_initializer=" + pick("'zeros'", "'ones'", "Constant(0.1)", "constant(value=-0.2)",
                    "RandomNormal(0.0, 0.05)"));
        }
        if (r.nextInt(3) == 0) {
            args.add(kernel + "_regularizer=" + regularizer());
        }
        if (bias && r.nextInt(5) == 0) {
            args.add("bias_regularizer=" + regularizer());
        }
        if (r.nextInt(6) == 0) {
            args.add("activity_regularizer=" + regularizer());
        }
        if (r.nextInt(3) == 0) {
            args.add(kernel + "_constraint=" + constraint(kernelRank));
        }
        if (bias && r.nextInt(5) == 0) {
            args.add("bias_constraint=" + constraint(1));
        }
    }

    private String regularizer() {
        double a = round(r.nextDouble() * 0.01);
        double b = round(r.nextDouble() * 0.01);
        return pick("None", "l1(" + a + ")", "l2(" + b + ")", "regularizers.l2(l=" + b + ")",
                "l1_l2(l1=" + a + ", l2=" + b + ")", "L1L2(l1=" + a + ")", "'l2'");
    }

    private String constraint(int rank) {
        int axis = r.nextInt(rank);
        String axes = r.nextBoolean() ? "" + (r.nextBoolean() ? axis : axis - rank)
                : rank >= 2 ? "[" + axis + ", " + ((axis + 1) % rank) + "]" : "[0]";
        return pick("None", "non_neg()", "'non_neg'", "max_norm(" + round(0.5 + r.nextDouble() * 3) + ", axis=" + axes + ")",
                "'max_norm'", "unit_norm(axis=" + axes + ")", "constraints.MaxNorm(max_value=2)",
                "min_max_norm(min_value=0.1, max_value=" + round(0.5 + r.nextDouble()) + ", rate=0.5, axis=" + axes + ")");
    }

    private int[] add(String kind, List<String> args, int[] shape) {
        if (r.nextInt(8) == 0) {
            args.add("name='" + pick("layer", "Block", "my-layer", "x") + "_" + (++namedLayers) + "'");
        }
        StringJoiner j = new StringJoiner(", ");
        args.forEach(j::add);
        statement(kind, j.toString(), false);
        shapes.add(shape);
        kinds.add(kind);
        return shape;
    }

    private void statement(String call, String args, boolean method) {
        if (kerasStyle) {
            out.append(method ? "model." + call : "model.add(layers." + call).append('(').append(args)
                    .append(method ? ")" : "))").append('\n');
        } else {
            out.append(r.nextInt(5) == 0 && !method ? "layers." : "").append(call).append('(').append(args).append(")\n");
        }
    }

    /** The class Keras prints for a layer written as {@code kind} (an alias or the class itself). */
    static String kerasClass(String kind) {
        return switch (kind) {
            case "MaxPool2D" -> "MaxPooling2D";
            case "AvgPool2D" -> "AveragePooling2D";
            case "GlobalMaxPool2D" -> "GlobalMaxPooling2D";
            case "GlobalAvgPool2D" -> "GlobalAveragePooling2D";
            case "Deconvolution2D" -> "Conv2DTranspose";
            default -> kind;
        };
    }

    // -----------------------------------------------------------------------------------------
    // Shape rules (docs/language.md, Keras 2.2.4 conv_output_length)

    /** A window along an axis of length n: any size up to 6 with 'same', one that fits with 'valid'. */
    private int window(int n, int dilation, boolean same) {
        int max = same ? 6 : Math.min(6, (n - 1) / dilation + 1);
        return 1 + r.nextInt(Math.max(1, max));
    }

    static int length(int n, int k, int s, int d, boolean same) {
        return same ? (n + s - 1) / s : Math.floorDiv(n - (d * (k - 1) + 1), s) + 1;
    }

    // -----------------------------------------------------------------------------------------
    // Syntax variety

    private String pair(int[] p) {
        if (p[0] == p[1] && r.nextBoolean()) {
            return "" + p[0];
        }
        return r.nextInt(4) == 0 ? "[" + p[0] + ", " + p[1] + "]" : "(" + p[0] + ", " + p[1] + ")";
    }

    private String tuple(int[] dims) {
        StringJoiner j = new StringJoiner(", ", "(", dims.length == 1 && r.nextBoolean() ? ",)" : ")");
        for (int d : dims) {
            j.add("" + d);
        }
        return j.toString();
    }

    private String casing(String word) {
        String w = switch (r.nextInt(4)) {
            case 0 -> word.toUpperCase(Locale.ROOT);
            case 1 -> Character.toUpperCase(word.charAt(0)) + word.substring(1);
            default -> word;
        };
        return r.nextBoolean() ? "'" + w + "'" : "\"" + w + "\"";
    }

    private String pick(String... options) {
        return options[r.nextInt(options.length)];
    }

    private static double round(double x) {
        return Math.round(x * 1e4) / 1e4;
    }
}
