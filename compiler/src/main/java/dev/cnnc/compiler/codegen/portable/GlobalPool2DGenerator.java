package dev.cnnc.compiler.codegen.portable;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.codegen.LayerGenerator;
import dev.cnnc.compiler.codegen.LayerSite;
import dev.cnnc.compiler.ir.DataFormat;
import dev.cnnc.compiler.ir.GlobalPool2DLayer;
import dev.cnnc.compiler.ir.Pool2DLayer.Reduction;
import java.util.Arrays;
import javax.lang.model.element.Modifier;

/**
 * Global pooling in plain Java: each channel's {@code HEIGHT * WIDTH} cells reduced to one value.
 * Average: the sum times {@code 1 / (HEIGHT * WIDTH)}; backward spreads {@code dOut / (HEIGHT *
 * WIDTH)} over the channel. Max: backward sends the gradient to the first cell (row-major) equal
 * to the max, as MaxPooling2D.
 */
public class GlobalPool2DGenerator implements LayerGenerator<GlobalPool2DLayer> {

    @Override
    public TypeSpec generate(GlobalPool2DLayer l, LayerSite site) {
        boolean average = l.reduction() == Reduction.AVERAGE;
        boolean last = l.dataFormat() == DataFormat.CHANNELS_LAST;
        TypeSpec.Builder t = site.classBuilder(l.reduction().describe() + " of each channel over its " + l.height() + "x"
                + l.width() + " cells, " + l.dataFormat().keras());
        t.addField(LayerSite.constant("HEIGHT", l.height()));
        t.addField(LayerSite.constant("WIDTH", l.width()));
        t.addField(LayerSite.constant("CHANNELS", l.channels()));
        t.addField(LayerSite.constant("CELLS", (long) l.height() * l.width()));
        t.addField(LayerSite.constant("IN_SIZE", l.inputShape().size()));
        t.addField(LayerSite.constant("OUT_SIZE", l.outputShape().size()));
        String start = average ? "0f" : "Float.NEGATIVE_INFINITY";
        String reduce = average ? "out[o + c] += in[i + c]" : "out[o + c] = Math.max(out[o + c], in[i + c])";
        CodeBlock.Builder f = CodeBlock.builder().beginControlFlow("for (int b = 0; b < n; b++)");
        CodeBlock own = last ? forwardChannelsLast(t, average) : null;
        if (own != null) {
            f.add(own);
        } else if (last) {
            f.addStatement("int o = b * CHANNELS")
                    .addStatement("$T.fill(out, o, o + CHANNELS, $L)", Arrays.class, start)
                    .beginControlFlow("for (int p = 0; p < CELLS; p++)")
                    .addStatement("int i = (b * CELLS + p) * CHANNELS")
                    .beginControlFlow("for (int c = 0; c < CHANNELS; c++)").addStatement(reduce).endControlFlow()
                    .endControlFlow();
            if (average) {
                f.beginControlFlow("for (int c = 0; c < CHANNELS; c++)")
                        .addStatement("out[o + c] *= 1f / CELLS").endControlFlow();
            }
        } else {
            f.beginControlFlow("for (int c = 0; c < CHANNELS; c++)")
                    .addStatement("int i = (b * CHANNELS + c) * CELLS")
                    .addStatement("float r = $L", start)
                    .beginControlFlow("for (int p = 0; p < CELLS; p++)")
                    .addStatement(average ? "r += in[i + p]" : "r = Math.max(r, in[i + p])")
                    .endControlFlow()
                    .addStatement("out[b * CHANNELS + c] = $L", average ? "r * (1f / CELLS)" : "r")
                    .endControlFlow();
        }
        f.endControlFlow();
        t.addMethod(MethodSpec.methodBuilder("forward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("out = the $L of each channel.\n", l.reduction().describe())
                .addJavadoc("\n<p>in $L, out $L.\n", LayerSite.batch(l.inputShape()), LayerSite.batch(l.outputShape()))
                .addParameter(float[].class, "in").addParameter(float[].class, "out").addParameter(int.class, "n")
                .addCode(f.build()).build());
        if (!site.computesInputGradient()) {
            return t.build();
        }
        MethodSpec.Builder backward = MethodSpec.methodBuilder("backward").addModifiers(Modifier.PUBLIC, Modifier.STATIC);
        CodeBlock.Builder b = CodeBlock.builder();
        String cell = last ? "(b * CELLS + p) * CHANNELS + c" : "(b * CHANNELS + c) * CELLS + p";
        if (average) {
            backward.addJavadoc("dIn = each channel's gradient divided by CELLS, on each of its cells.\n")
                    .addParameter(float[].class, "dOut").addParameter(float[].class, "dIn");
            CodeBlock vector = last ? averageBackwardChannelsLast(t) : null;
            if (vector != null) {
                b.add(vector);
            } else {
                b.beginControlFlow("for (int b = 0; b < n; b++)")
                        .beginControlFlow(last ? "for (int p = 0; p < CELLS; p++)" : "for (int c = 0; c < CHANNELS; c++)")
                        .beginControlFlow(last ? "for (int c = 0; c < CHANNELS; c++)" : "for (int p = 0; p < CELLS; p++)")
                        .addStatement("dIn[$L] = dOut[b * CHANNELS + c] * (1f / CELLS)", cell)
                        .endControlFlow().endControlFlow().endControlFlow();
            }
        } else {
            backward.addJavadoc("dIn = each channel's gradient on the first cell (row-major) equal to its max; zero "
                            + "elsewhere.\n")
                    .addParameter(float[].class, "in").addParameter(float[].class, "out")
                    .addParameter(float[].class, "dOut").addParameter(float[].class, "dIn");
            b.addStatement("$T.fill(dIn, 0, n * IN_SIZE, 0f)", Arrays.class)
                    .beginControlFlow("for (int b = 0; b < n; b++)")
                    .beginControlFlow("for (int c = 0; c < CHANNELS; c++)")
                    .addStatement("float max = out[b * CHANNELS + c]")
                    .beginControlFlow("for (int p = 0; p < CELLS; p++)")
                    .addStatement("int i = $L", cell)
                    .beginControlFlow("if (in[i] == max)")
                    .addStatement("dIn[i] = dOut[b * CHANNELS + c]")
                    .addStatement("break")
                    .endControlFlow()
                    .endControlFlow().endControlFlow().endControlFlow();
        }
        t.addMethod(backward.addParameter(int.class, "n").addCode(b.build()).build());
        return t.build();
    }

    /**
     * A channels-last forward pass's body inside the loop over examples {@code b} (its output at
     * {@code b * CHANNELS}), for generators with their own; null for the plain loops. {@code t} is the
     * class being built, for the members the body needs.
     */
    protected CodeBlock forwardChannelsLast(TypeSpec.Builder t, boolean average) {
        return null;
    }

    /** A channels-last average's backward pass, for generators with their own; null for the plain loops. */
    protected CodeBlock averageBackwardChannelsLast(TypeSpec.Builder t) {
        return null;
    }

    @Override
    public CodeBlock forwardCall(GlobalPool2DLayer l, LayerSite site) {
        return CodeBlock.builder().addStatement("$T.forward($L, $L, n)", site.className(), site.in(), site.out()).build();
    }

    @Override
    public CodeBlock backwardCall(GlobalPool2DLayer l, LayerSite site) {
        if (!site.computesInputGradient()) {
            return CodeBlock.of("");
        }
        if (l.reduction() == Reduction.AVERAGE) {
            return CodeBlock.builder().addStatement("$T.backward($L, $L, n)", site.className(), site.dOut(), site.dIn())
                    .build();
        }
        return CodeBlock.builder().addStatement("$T.backward($L, $L, $L, $L, n)", site.className(), site.in(), site.out(),
                site.dOut(), site.dIn()).build();
    }
}
