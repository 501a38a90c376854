package dev.cnnc.compiler.layers;

import dev.cnnc.compiler.check.LayerContext;
import dev.cnnc.compiler.check.LayerKind;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.check.Signature;
import dev.cnnc.compiler.codegen.LayerSite;
import dev.cnnc.compiler.diag.Span;
import dev.cnnc.compiler.ir.DataFormat;
import dev.cnnc.compiler.ir.Layer;
import dev.cnnc.compiler.ir.Shape;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * {@code Flatten(data_format=None)}: the input as one vector. Keras flattens in channels-last order:
 * a {@code channels_first} input is first permuted to {@code (h, w, c)}, so the flat index is always
 * {@code (y * W + x) * C + c}.
 */
public final class Flatten implements Layer {

    public static final LayerKind KIND = new LayerKind("Flatten", List.of(),
            Signature.of("Flatten").optional("data_format").build(), Flatten::build);

    private final String name;
    private final Span span;
    private final Shape input;
    private final DataFormat dataFormat;

    private Flatten(LayerContext ctx, DataFormat dataFormat) {
        this.name = ctx.name();
        this.span = ctx.span();
        this.input = ctx.input();
        this.dataFormat = dataFormat;
    }

    static Layer build(LayerContext ctx) {
        DataFormat format = ctx.args().dataFormat("data_format");
        Shape in = ctx.input();
        if (!ctx.args().ok("data_format") || in == null) {
            return null;
        }
        if (in.rank() < 2) {
            ctx.error("Flatten needs an input of at least 2 dimensions, but its input (" + in + " values) is already flat");
            return null;
        }
        return new Flatten(ctx, format);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String kerasClass() {
        return "Flatten";
    }

    @Override
    public Span span() {
        return span;
    }

    @Override
    public Shape inputShape() {
        return input;
    }

    @Override
    public Shape outputShape() {
        return Shape.of((int) input.size());
    }

    public DataFormat dataFormat() {
        return dataFormat;
    }

    @Override
    public long parameterCount() {
        return 0;
    }

    @Override
    public long multiplyAdds() {
        return 0;
    }

    // ---------------------------------------------------------------------------------------------
    // Generated code: a copy for channels-last (the layout is already flat); a permutation from
    // (c, h, w) to (h, w, c) for channels-first.

    /** True if the flat order differs from the input's memory order. */
    private boolean permutes() {
        return dataFormat == DataFormat.CHANNELS_FIRST && input.rank() == 3;
    }

    @Override
    public TypeSpec generate(LayerSite g) {
        TypeSpec.Builder t = g.classBuilder(permutes() ? "flattens channels-first input in channels-last order, as Keras"
                : "flattens the input; the memory layout is unchanged");
        t.addField(LayerSite.constant("IN_SIZE", input.size()));
        t.addField(LayerSite.constant("OUT_SIZE", input.size()));
        MethodSpec.Builder forward = MethodSpec.methodBuilder("forward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("in $L, out $L.\n", LayerSite.batch(input), LayerSite.batch(outputShape()))
                .addParameter(float[].class, "in").addParameter(float[].class, "out").addParameter(int.class, "n");
        MethodSpec.Builder backward = MethodSpec.methodBuilder("backward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("dIn = dOut, back in the input's layout.\n")
                .addParameter(float[].class, "dOut").addParameter(float[].class, "dIn").addParameter(int.class, "n");
        if (!permutes()) {
            forward.addStatement("$T.arraycopy(in, 0, out, 0, n * IN_SIZE)", System.class);
            backward.addStatement("$T.arraycopy(dOut, 0, dIn, 0, n * IN_SIZE)", System.class);
        } else {
            t.addField(LayerSite.constant("CHANNELS", input.dim(0)));
            t.addField(LayerSite.constant("HEIGHT", input.dim(1)));
            t.addField(LayerSite.constant("WIDTH", input.dim(2)));
            forward.addCode(permutation("out[flat] = in[chw]"));
            backward.addCode(permutation("dIn[chw] = dOut[flat]"));
        }
        t.addMethod(forward.build());
        if (g.computesInputGradient()) {
            t.addMethod(backward.build());
        }
        return t.build();
    }

    private static CodeBlock permutation(String statement) {
        return CodeBlock.builder()
                .beginControlFlow("for (int b = 0; b < n; b++)")
                .beginControlFlow("for (int c = 0; c < CHANNELS; c++)")
                .beginControlFlow("for (int y = 0; y < HEIGHT; y++)")
                .beginControlFlow("for (int x = 0; x < WIDTH; x++)")
                .addStatement("int chw = ((b * CHANNELS + c) * HEIGHT + y) * WIDTH + x")
                .addStatement("int flat = ((b * HEIGHT + y) * WIDTH + x) * CHANNELS + c")
                .addStatement(statement)
                .endControlFlow()
                .endControlFlow()
                .endControlFlow()
                .endControlFlow()
                .build();
    }

    @Override
    public CodeBlock forwardCall(LayerSite g) {
        return CodeBlock.builder().addStatement("$T.forward($L, $L, n)", g.className(), g.in(), g.out()).build();
    }

    @Override
    public CodeBlock backwardCall(LayerSite g) {
        if (!g.computesInputGradient()) {
            return CodeBlock.of("");
        }
        return CodeBlock.builder().addStatement("$T.backward($L, $L, n)", g.className(), g.dOut(), g.dIn()).build();
    }
}
