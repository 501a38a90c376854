package dev.cnnc.compiler.codegen.vector;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.codegen.ActivationCode;
import dev.cnnc.compiler.codegen.WeightedLayerGenerator;
import dev.cnnc.compiler.codegen.LayerSite;
import dev.cnnc.compiler.codegen.Names;
import dev.cnnc.compiler.codegen.portable.Conv2DGenerator;
import dev.cnnc.compiler.ir.Activation;
import dev.cnnc.compiler.ir.Conv2DLayer;
import dev.cnnc.compiler.ir.Geometry2D;
import dev.cnnc.compiler.ir.Layer;
import dev.cnnc.compiler.ir.Padding;
import dev.cnnc.compiler.ir.Pool2DLayer;
import java.util.Arrays;
import javax.lang.model.element.Modifier;

/**
 * Conv2D with the Vector API, channels-last only (channels-first falls back to portable code):
 * the register-blocked kernels of {@link VectorKernels}, with the portable generator's constants.
 */
final class VectorConv2DGenerator implements WeightedLayerGenerator<Conv2DLayer> {
    /** The nested class of a padded convolution: the valid convolution of its padded input. */
    private static final String PADDED = "Padded";

    @Override
    public boolean handles(Conv2DLayer layer) {
        return layer.geometry().channelsLast();
    }

    @Override
    public TypeSpec generate(Conv2DLayer l, LayerSite site) {
        if (padded(l)) {
            return padded(l, validOnPaddedInput(l), site);
        }
        Geometry2D g = l.geometry();
        boolean bias = l.useBias();
        Activation act = l.activation();
        TypeSpec.Builder t = Conv2DGenerator.header(l, site);
        // blocks of kernel rows for a first layer's kernel gradient, of 2 pixels by 4 vectors for its forward pass with 16 registers
        boolean fewChannels = l.inputChannels() < 4;
        t.addFields(VectorKernels.constants("FILTERS", fewChannels));
        boolean throughPooling = throughPooling(l, site);
        if (throughPooling) {
            VectorPool2DGenerator.addTileGradient(t, (Pool2DLayer) site.next());
            t.addField(VectorKernels.tileRowsOfWindows());
        } else {
            t.addField(VectorKernels.tileRows());
        }
        boolean narrow = VectorKernels.narrow(l.filters());
        if (narrow) {
            t.addField(VectorKernels.narrowConstant("FILTERS"));
        }
        boolean winograd = VectorWinograd.applies(l);
        if (site.computesInputGradient() || winograd) {
            t.addField(LayerSite.constant("SCRATCH_FLOATS", scratchFloats(l, site)).toBuilder()
                    .addJavadoc(site.computesInputGradient() && !throughPooling
                            ? "Floats of the scratch: the backward pass's transposed kernel and $L rows$L.\n"
                            : "Floats of the scratch$L$L.\n",
                            site.computesInputGradient() && !throughPooling ? VectorKernels.GRADIENT_BLOCK : "",
                            winograd ? ", or the Winograd forward pass's transforms" : "")
                    .build());
        }
        String doc = "out = " + (act == Activation.LINEAR ? "" : ActivationCode.describe(act) + " of ") + "conv(in, kernel)"
                + (bias ? " + bias" : "") + ", for the first {@code n} examples.\n\n<p>in " + LayerSite.batch(l.inputShape())
                + ", out " + LayerSite.batch(l.outputShape()) + ", kernel " + LayerSite.dims(l.kernelShape())
                + ". Vector API variant.\n";
        boolean relu = act == Activation.RELU;
        t.addMethods(VectorKernels.convForward(bias, act != Activation.LINEAR && !relu, relu, narrow, g.outHeight(), g.outWidth(),
                g.kernelHeight() * g.kernelWidth() * l.inputChannels(), doc, fewChannels));
        if (winograd) {
            t.addFields(VectorWinograd.constants(l));
            t.addMethods(VectorWinograd.methods(bias, relu, act != Activation.LINEAR && !relu));
        }
        if (act != Activation.LINEAR) {
            if (!relu) {
                t.addMethod(ActivationCode.forward(act, "OUT_SIZE", l.outputShape().dim(2)));
            }
            t.addMethod(VectorActivations.backward(act, "OUT_SIZE", l.outputShape().dim(2)));
        }
        t.addMethods(VectorKernels.convBackward(bias, site.computesInputGradient(), fewChannels, narrow, g.outWidth(),
                l.inputChannels(), g.kernelHeight() * g.kernelWidth() * l.inputChannels(),
                "From {@code dOut}, the gradient of the pre-activation output: accumulates dKernel"
                        + (bias ? " and dBias" : "") + (site.computesInputGradient() ? " and sets dIn" : "")
                        + ". Vector API variant.\n", throughPooling, winograd && site.computesInputGradient() && !throughPooling));
        return t.build();
    }

    /**
     * True if the model runs this layer's {@code backwardThroughPooling} instead of the next layer's
     * backward pass and this one's ({@link VectorPool2DGenerator#fusedBackward}); never for the valid
     * convolution nested in a padded one.
     */
    private static boolean throughPooling(Conv2DLayer l, LayerSite site) {
        return site.layer() == l && VectorPool2DGenerator.fusedBackward(l, site.computesInputGradient(), site.next());
    }

    /**
     * A padded convolution as the valid one on its zero-padded input, whose output has the same size
     * (with 'same', the padding is what the window needs beyond the input: (out - 1) * stride +
     * dilation * (kernel - 1) + 1 rows in all, or the input itself where that fits).
     */
    static Conv2DLayer validOnPaddedInput(Conv2DLayer l) {
        Geometry2D g = l.geometry();
        int h = g.inHeight() + g.padTop() + g.padBottom();
        int w = g.inWidth() + g.padLeft() + g.padRight();
        if (Padding.VALID.outputLength(h, g.kernelHeight(), g.strideHeight(), g.dilationHeight()) != g.outHeight()
                || Padding.VALID.outputLength(w, g.kernelWidth(), g.strideWidth(), g.dilationWidth()) != g.outWidth()) {
            throw new IllegalStateException(l.name() + ": the padded input's valid convolution has another size");
        }
        Geometry2D v = new Geometry2D(g.dataFormat(), h, w, g.channels(), g.kernelHeight(), g.kernelWidth(),
                g.strideHeight(), g.strideWidth(), g.dilationHeight(), g.dilationWidth(), Padding.VALID, g.outHeight(),
                g.outWidth());
        return new Conv2DLayer(l.name(), l.span(), g.dataFormat().shape(h, w, g.channels()), l.outputShape(), l.filters(),
                v, l.options());
    }

    /**
     * A padded convolution's class: the forward pass copies the input into the model's kept buffer
     * with its zero borders, and runs the valid convolution of the nested class {@code Padded} on it;
     * the backward pass runs Padded's on the same buffer (the kernel gradient reads it; the input
     * gradient, computed after, overwrites it) and crops the input gradient. Every window of Padded
     * lies inside its input: blocks across rows and examples, no test per tap (and on Java 17, whose
     * C2 allocates Vector API values that flow through such tests in some loops, 8 to 60 times faster).
     */
    private TypeSpec padded(Conv2DLayer l, Conv2DLayer valid, LayerSite site) {
        Geometry2D g = l.geometry();
        boolean bias = l.useBias();
        boolean dIn = site.computesInputGradient();
        TypeSpec inner = generate(valid, site);
        TypeSpec.Builder nested = TypeSpec.classBuilder(PADDED).addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("The convolution as a valid one on the zero-padded input, $L by $L: every window inside.\n",
                        g.inHeight() + g.padTop() + g.padBottom(), g.inWidth() + g.padLeft() + g.padRight())
                .addFields(inner.fieldSpecs()).addMethods(inner.methodSpecs());
        TypeSpec.Builder t = Conv2DGenerator.header(l, site);
        t.addField(LayerSite.constant("PADDED_HEIGHT", g.inHeight() + g.padTop() + g.padBottom()));
        t.addField(LayerSite.constant("PADDED_WIDTH", g.inWidth() + g.padLeft() + g.padRight()));
        t.addField(LayerSite.constant("PADDED_SIZE", valid.inputShape().size()));
        String b = bias ? ", bias" : "";
        boolean winograd = VectorWinograd.applies(valid);
        MethodSpec.Builder forward = MethodSpec.methodBuilder("forward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("The valid convolution of {@code padded}: {@code in} with PAD_TOP, PAD_BOTTOM, PAD_LEFT and PAD_RIGHT\n"
                        + "rows and columns of zeros, which the backward pass reads$L. Vector API variant.\n",
                        winograd ? " (Winograd's F(2x2, 3x3) with {@code scratch}, see Padded)" : "")
                .addParameter(float[].class, "in").addParameter(float[].class, "out").addParameter(float[].class, "kernel");
        if (bias) {
            forward.addParameter(float[].class, "bias");
        }
        forward.addParameter(float[].class, "padded");
        if (winograd) {
            forward.addParameter(float[].class, "scratch");
        }
        t.addMethod(forward.addParameter(int.class, "n")
                .beginControlFlow("for (int e = 0; e < n; e++)")
                .addStatement("pad(in, e * IN_SIZE, padded, e * PADDED_SIZE, IN_HEIGHT, IN_WIDTH, PAD_TOP, PAD_LEFT, "
                        + "PAD_BOTTOM, PAD_RIGHT)")
                .endControlFlow()
                .addStatement("$L.forward(padded, out, kernel$L$L, n)", PADDED, b, winograd ? ", scratch" : "").build());
        t.addMethod(VectorKernels.padMethod());
        if (l.activation() != Activation.LINEAR) {
            t.addMethod(MethodSpec.methodBuilder("activationBackward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                    .addJavadoc("dOut = the activation's derivative times dOut, in place.\n")
                    .addParameter(float[].class, "out").addParameter(float[].class, "dOut").addParameter(int.class, "n")
                    .addStatement("$L.activationBackward(out, dOut, n)", PADDED).build());
        }
        MethodSpec.Builder backward = MethodSpec.methodBuilder("backward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("From {@code dOut}, the gradient of the pre-activation output: accumulates dKernel$L$L, with\n"
                        + "{@code padded} as the forward pass left it$L. Vector API variant.\n", bias ? " and dBias" : "",
                        dIn ? " and sets dIn" : "", dIn ? " (it holds the padded input's gradient after)" : "")
                .addParameter(float[].class, "padded").addParameter(float[].class, "dOut");
        if (dIn) {
            backward.addParameter(float[].class, "dIn");
        }
        backward.addParameter(float[].class, "kernel").addParameter(float[].class, "dKernel");
        if (bias) {
            backward.addParameter(float[].class, "dBias");
        }
        if (dIn) {
            backward.addParameter(float[].class, "scratch");
        }
        backward.addParameter(int.class, "n")
                .addStatement("$L.backward(padded, dOut$L, kernel, dKernel$L$L, n)", PADDED, dIn ? ", padded" : "",
                        bias ? ", dBias" : "", dIn ? ", scratch" : "");
        if (dIn) {
            backward.addComment("the padded input's gradient, without its borders")
                    .beginControlFlow("for (int e = 0; e < n; e++)")
                    .beginControlFlow("for (int y = 0; y < IN_HEIGHT; y++)")
                    .addStatement("System.arraycopy(padded, ((e * PADDED_HEIGHT + y + PAD_TOP) * PADDED_WIDTH + PAD_LEFT) * IN_CHANNELS, "
                            + "dIn, (e * IN_HEIGHT + y) * IN_WIDTH * IN_CHANNELS, IN_WIDTH * IN_CHANNELS)")
                    .endControlFlow()
                    .endControlFlow();
        }
        t.addMethod(backward.build());
        return t.addType(nested.build()).build();
    }

    /** Padding other than valid: generated as the valid convolution of the padded input. */
    private static boolean padded(Conv2DLayer l) {
        return l.geometry().padding() != Padding.VALID;
    }

    /** A padded convolution's forward pass also takes the kept buffer its padded input goes to. */
    @Override
    public CodeBlock forwardCall(Conv2DLayer l, LayerSite site) {
        String scratch = winograd(l) ? ", " + site.scratchFloatField() : "";
        return site.weightedForwardCall(padded(l) ? ", " + site.keptField() + scratch : scratch);
    }

    /** Whether the forward pass runs Winograd's F(2x2, 3x3) (on the padded input where padded). */
    static boolean winograd(Conv2DLayer l) {
        return VectorWinograd.applies(padded(l) ? validOnPaddedInput(l) : l);
    }

    /** A padded convolution's backward pass reads the padded input from the kept buffer. */
    @Override
    public CodeBlock backwardCall(Conv2DLayer l, LayerSite site) {
        if (throughPooling(l, site)) {
            Layer pool = site.next();
            return CodeBlock.builder().addStatement("$T.backwardThroughPooling($L, $L, $L, $L, $L$L, $L, n)",
                    site.className(), site.in(), site.out(), Names.outputField(pool), Names.gradientField(pool),
                    site.weightGradientField(l.weights().get(0)),
                    l.useBias() ? ", " + site.weightGradientField(l.weights().get(1)) : "", site.scratchFloatField()).build();
        }
        // the backward pass takes the scratch only for the input gradient (the forward pass's Winograd also for a first layer)
        return site.weightedBackwardCall(padded(l) ? site.keptField() : site.in(), site.computesInputGradient());
    }

    /** A padded convolution keeps its padded input for the backward pass. */
    @Override
    public long keptFloatsPerExample(Conv2DLayer l, LayerSite site) {
        return padded(l) ? validOnPaddedInput(l).inputShape().size() : 0;
    }

    @Override
    public long scratchFloats(Conv2DLayer l, LayerSite site) {
        long forward = winograd(l) ? VectorWinograd.scratchFloats(l) : 0;
        if (throughPooling(l, site)) {
            return Math.max(forward, VectorKernels.windowTileFloats(l.geometry().outWidth(), l.filters(),
                    ((Pool2DLayer) site.next()).geometry().kernelHeight()));
        }
        return Math.max(forward, site.computesInputGradient()
                ? VectorKernels.convScratch(l.geometry().taps(), l.inputChannels(), l.filters()) : 0);
    }
}
