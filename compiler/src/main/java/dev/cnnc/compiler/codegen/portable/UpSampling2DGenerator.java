package dev.cnnc.compiler.codegen.portable;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.codegen.LayerGenerator;
import dev.cnnc.compiler.codegen.LayerSite;
import dev.cnnc.compiler.ir.DataFormat;
import dev.cnnc.compiler.ir.UpSampling2DLayer;
import dev.cnnc.compiler.ir.UpSampling2DLayer.Interpolation;
import java.util.Arrays;
import javax.lang.model.element.Modifier;

/**
 * UpSampling2D in plain Java, as TensorFlow 1 resizes (align_corners=False, no half-pixel offset):
 * output row {@code y} reads source row {@code y * SCALE_HEIGHT}, with {@code SCALE_HEIGHT = (float)
 * IN_HEIGHT / OUT_HEIGHT} computed in float as TF does. Nearest takes row {@code floor} of it;
 * bilinear mixes rows {@code floor} and {@code min(ceil, IN_HEIGHT - 1)} by the fraction, and
 * likewise for columns. Backward sends each output's gradient to the cells it read, with the same
 * weights (the transposed interpolation).
 */
public final class UpSampling2DGenerator implements LayerGenerator<UpSampling2DLayer> {

    @Override
    public TypeSpec generate(UpSampling2DLayer l, LayerSite site) {
        boolean last = l.dataFormat() == DataFormat.CHANNELS_LAST;
        boolean bilinear = l.interpolation() == Interpolation.BILINEAR;
        TypeSpec.Builder t = site.classBuilder(l.interpolation().keras() + " upsampling by (" + l.sizeHeight() + ", "
                + l.sizeWidth() + "), " + l.dataFormat().keras());
        DataFormat f = l.dataFormat();
        t.addField(LayerSite.constant("IN_HEIGHT", l.inHeight()));
        t.addField(LayerSite.constant("IN_WIDTH", l.inWidth()));
        t.addField(LayerSite.constant("CHANNELS", l.channels()));
        t.addField(LayerSite.constant("OUT_HEIGHT", f.height(l.outputShape())));
        t.addField(LayerSite.constant("OUT_WIDTH", f.width(l.outputShape())));
        t.addField(LayerSite.constant("IN_SIZE", l.inputShape().size()));
        t.addField(LayerSite.constant("OUT_SIZE", l.outputShape().size()));
        t.addField(FieldSpec.builder(float.class, "SCALE_HEIGHT", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("Source rows per output row, in float as TensorFlow computes it.\n")
                .initializer("(float) IN_HEIGHT / OUT_HEIGHT").build());
        t.addField(FieldSpec.builder(float.class, "SCALE_WIDTH", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .initializer("(float) IN_WIDTH / OUT_WIDTH").build());
        t.addMethod(MethodSpec.methodBuilder("forward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc(bilinear ? "out = the bilinear interpolation of in at each output's source point.\n"
                        : "out = the input cell at the floor of each output's source point.\n")
                .addJavadoc("\n<p>in $L, out $L.\n", LayerSite.batch(l.inputShape()), LayerSite.batch(l.outputShape()))
                .addParameter(float[].class, "in").addParameter(float[].class, "out").addParameter(int.class, "n")
                .addCode(walk(last, bilinear, true)).build());
        if (site.computesInputGradient()) {
            t.addMethod(MethodSpec.methodBuilder("backward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                    .addJavadoc("dIn = each output's gradient on the cells it read, with the forward weights.\n")
                    .addParameter(float[].class, "dOut").addParameter(float[].class, "dIn").addParameter(int.class, "n")
                    .addStatement("$T.fill(dIn, 0, n * IN_SIZE, 0f)", Arrays.class)
                    .addCode(walk(last, bilinear, false)).build());
        }
        return t.build();
    }

    /** Source rows ({@code y0}, {@code y1}, {@code ly}) or columns of one output position. */
    private static void source(CodeBlock.Builder b, boolean bilinear, String o, String scale, String limit, String p) {
        b.addStatement("float $Ls = $L * $L", p, o, scale);
        if (bilinear) {
            b.addStatement("int $L0 = (int) Math.floor($Ls)", p, p)
                    .addStatement("int $L1 = Math.min((int) Math.ceil($Ls), $L - 1)", p, p, limit)
                    .addStatement("float l$L = $Ls - $L0", p, p, p);
        } else {
            b.addStatement("int $L0 = Math.min((int) Math.floor($Ls), $L - 1)", p, p, limit);
        }
    }

    private static CodeBlock walk(boolean last, boolean bilinear, boolean forward) {
        CodeBlock.Builder b = CodeBlock.builder().beginControlFlow("for (int b = 0; b < n; b++)");
        if (!last) {
            b.beginControlFlow("for (int c = 0; c < CHANNELS; c++)");
        }
        b.beginControlFlow("for (int oy = 0; oy < OUT_HEIGHT; oy++)");
        source(b, bilinear, "oy", "SCALE_HEIGHT", "IN_HEIGHT", "y");
        b.beginControlFlow("for (int ox = 0; ox < OUT_WIDTH; ox++)");
        source(b, bilinear, "ox", "SCALE_WIDTH", "IN_WIDTH", "x");
        String plane = last ? "b * IN_HEIGHT" : "(b * CHANNELS + c) * IN_HEIGHT";
        String cell = last ? "((" + plane + " + %s) * IN_WIDTH + %s) * CHANNELS" : "(" + plane + " + %s) * IN_WIDTH + %s";
        b.addStatement("int o = $L", last ? "((b * OUT_HEIGHT + oy) * OUT_WIDTH + ox) * CHANNELS"
                : "((b * CHANNELS + c) * OUT_HEIGHT + oy) * OUT_WIDTH + ox");
        if (!bilinear) {
            b.addStatement("int i = $L", String.format(cell, "y0", "x0"));
            if (last) {
                b.add(forward ? CodeBlock.of("$T.arraycopy(in, i, out, o, CHANNELS);\n", System.class)
                        : CodeBlock.builder().beginControlFlow("for (int c = 0; c < CHANNELS; c++)")
                                .addStatement("dIn[i + c] += dOut[o + c]").endControlFlow().build());
            } else {
                b.addStatement(forward ? "out[o] = in[i]" : "dIn[i] += dOut[o]");
            }
        } else {
            b.addStatement("int i00 = $L", String.format(cell, "y0", "x0"))
                    .addStatement("int i01 = $L", String.format(cell, "y0", "x1"))
                    .addStatement("int i10 = $L", String.format(cell, "y1", "x0"))
                    .addStatement("int i11 = $L", String.format(cell, "y1", "x1"));
            String c = last ? " + c" : "";
            if (last) {
                b.beginControlFlow("for (int c = 0; c < CHANNELS; c++)");
            }
            if (forward) {
                b.add("// TensorFlow's order of operations: across, then down\n")
                        .addStatement("float top = in[i00$L] + (in[i01$L] - in[i00$L]) * lx", c, c, c)
                        .addStatement("float bottom = in[i10$L] + (in[i11$L] - in[i10$L]) * lx", c, c, c)
                        .addStatement("out[o$L] = top + (bottom - top) * ly", c);
            } else {
                b.addStatement("float d = dOut[o$L]", c)
                        .addStatement("dIn[i00$L] += d * (1f - ly) * (1f - lx)", c)
                        .addStatement("dIn[i01$L] += d * (1f - ly) * lx", c)
                        .addStatement("dIn[i10$L] += d * ly * (1f - lx)", c)
                        .addStatement("dIn[i11$L] += d * ly * lx", c);
            }
            if (last) {
                b.endControlFlow();
            }
        }
        b.endControlFlow().endControlFlow();
        if (!last) {
            b.endControlFlow();
        }
        return b.endControlFlow().build();
    }

    @Override
    public CodeBlock forwardCall(UpSampling2DLayer l, LayerSite site) {
        return CodeBlock.builder().addStatement("$T.forward($L, $L, n)", site.className(), site.in(), site.out()).build();
    }

    @Override
    public CodeBlock backwardCall(UpSampling2DLayer l, LayerSite site) {
        if (!site.computesInputGradient()) {
            return CodeBlock.of("");
        }
        return CodeBlock.builder().addStatement("$T.backward($L, $L, n)", site.className(), site.dOut(), site.dIn()).build();
    }
}
