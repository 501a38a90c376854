package dev.cnnc.compiler.codegen.portable;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.codegen.LayerGenerator;
import dev.cnnc.compiler.codegen.LayerSite;
import dev.cnnc.compiler.ir.Border2DLayer;
import dev.cnnc.compiler.ir.DataFormat;
import java.util.Arrays;
import javax.lang.model.element.Modifier;

/**
 * ZeroPadding2D and Cropping2D in plain Java: one block of {@code ROWS x COLUMNS} cells per channel
 * is copied, row by row ({@code System.arraycopy}), from {@code (IN_ROW, IN_COLUMN)} of the input
 * to {@code (OUT_ROW, OUT_COLUMN)} of the output; everything else of the output (padding) or of the
 * input gradient (cropping) is zero.
 */
public final class Border2DGenerator implements LayerGenerator<Border2DLayer> {

    @Override
    public TypeSpec generate(Border2DLayer l, LayerSite site) {
        boolean pads = l.pads();
        boolean last = l.dataFormat() == DataFormat.CHANNELS_LAST;
        TypeSpec.Builder t = site.classBuilder((pads ? "zeros added: " : "cropped: ") + "(" + l.top() + ", " + l.bottom()
                + ") rows, (" + l.left() + ", " + l.right() + ") columns, " + l.dataFormat().keras());
        DataFormat f = l.dataFormat();
        t.addField(LayerSite.constant("IN_HEIGHT", f.height(l.inputShape())));
        t.addField(LayerSite.constant("IN_WIDTH", f.width(l.inputShape())));
        t.addField(LayerSite.constant("OUT_HEIGHT", f.height(l.outputShape())));
        t.addField(LayerSite.constant("OUT_WIDTH", f.width(l.outputShape())));
        t.addField(LayerSite.constant("CHANNELS", l.channels()));
        t.addField(LayerSite.constant("ROWS", l.rows()));
        t.addField(LayerSite.constant("COLUMNS", l.columns()));
        t.addField(LayerSite.constant("IN_ROW", pads ? 0 : l.top()));
        t.addField(LayerSite.constant("IN_COLUMN", pads ? 0 : l.left()));
        t.addField(LayerSite.constant("OUT_ROW", pads ? l.top() : 0));
        t.addField(LayerSite.constant("OUT_COLUMN", pads ? l.left() : 0));
        t.addField(LayerSite.constant("IN_SIZE", l.inputShape().size()));
        t.addField(LayerSite.constant("OUT_SIZE", l.outputShape().size()));
        MethodSpec.Builder forward = MethodSpec.methodBuilder("forward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc(pads ? "out = in with zeros around it.\n" : "out = the inner block of in.\n")
                .addJavadoc("\n<p>in $L, out $L.\n", LayerSite.batch(l.inputShape()), LayerSite.batch(l.outputShape()))
                .addParameter(float[].class, "in").addParameter(float[].class, "out").addParameter(int.class, "n");
        if (pads) {
            forward.addStatement("$T.fill(out, 0, n * OUT_SIZE, 0f)", Arrays.class);
        }
        t.addMethod(forward.addCode(copy(last, "in", "out", true)).build());
        if (site.computesInputGradient()) {
            MethodSpec.Builder backward = MethodSpec.methodBuilder("backward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                    .addJavadoc(pads ? "dIn = the inner block of dOut.\n" : "dIn = dOut with zeros around it.\n")
                    .addParameter(float[].class, "dOut").addParameter(float[].class, "dIn").addParameter(int.class, "n");
            if (!pads) {
                backward.addStatement("$T.fill(dIn, 0, n * IN_SIZE, 0f)", Arrays.class);
            }
            t.addMethod(backward.addCode(copy(last, "dOut", "dIn", false)).build());
        }
        return t.build();
    }

    /** Copies the block row by row, from the input's layout to the output's ({@code forward}) or back. */
    private static CodeBlock copy(boolean last, String from, String to, boolean forward) {
        String inRow = last ? "((b * IN_HEIGHT + IN_ROW + y) * IN_WIDTH + IN_COLUMN) * CHANNELS"
                : "((b * CHANNELS + c) * IN_HEIGHT + IN_ROW + y) * IN_WIDTH + IN_COLUMN";
        String outRow = last ? "((b * OUT_HEIGHT + OUT_ROW + y) * OUT_WIDTH + OUT_COLUMN) * CHANNELS"
                : "((b * CHANNELS + c) * OUT_HEIGHT + OUT_ROW + y) * OUT_WIDTH + OUT_COLUMN";
        CodeBlock.Builder b = CodeBlock.builder().beginControlFlow("for (int b = 0; b < n; b++)");
        if (!last) {
            b.beginControlFlow("for (int c = 0; c < CHANNELS; c++)");
        }
        b.beginControlFlow("for (int y = 0; y < ROWS; y++)")
                .addStatement("$T.arraycopy($L, $L, $L, $L, COLUMNS$L)", System.class, from, forward ? inRow : outRow, to,
                        forward ? outRow : inRow, last ? " * CHANNELS" : "")
                .endControlFlow();
        if (!last) {
            b.endControlFlow();
        }
        return b.endControlFlow().build();
    }

    @Override
    public CodeBlock forwardCall(Border2DLayer l, LayerSite site) {
        return CodeBlock.builder().addStatement("$T.forward($L, $L, n)", site.className(), site.in(), site.out()).build();
    }

    @Override
    public CodeBlock backwardCall(Border2DLayer l, LayerSite site) {
        if (!site.computesInputGradient()) {
            return CodeBlock.of("");
        }
        return CodeBlock.builder().addStatement("$T.backward($L, $L, n)", site.className(), site.dOut(), site.dIn()).build();
    }
}
