package dev.cnnc.compiler.codegen.portable;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.codegen.LayerGenerator;
import dev.cnnc.compiler.codegen.LayerSite;
import dev.cnnc.compiler.codegen.ModelField;
import dev.cnnc.compiler.ir.NoiseLayer;
import dev.cnnc.compiler.ir.NoiseLayer.Kind;
import dev.cnnc.runtime.Batch;
import dev.cnnc.runtime.Mode;
import dev.cnnc.runtime.Rng;
import java.util.Arrays;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Dropout, SpatialDropout2D, GaussianNoise and GaussianDropout. In {@link Mode#TRAINING} each example
 * draws its noise from the layer's generator reset to {@code batch.noiseSeed(LAYER, i)} (mixed with the
 * layer's {@code seed=}), so the noise depends on the example, never on its chunk or thread; the mask is
 * kept per replica for the backward pass. In inference the layer copies its input (and sets the mask
 * to 1, so that a backward pass after an inference forward is the identity too).
 */
public final class NoiseGenerator implements LayerGenerator<NoiseLayer> {
    private static final ClassName RNG = ClassName.get(Rng.class);
    private static final ClassName BATCH = ClassName.get(Batch.class);
    private static final ClassName MODE = ClassName.get(Mode.class);

    private static boolean hasMask(NoiseLayer l) {
        return l.active() && l.kind() != Kind.GAUSSIAN_NOISE;
    }

    @Override
    public TypeSpec generate(NoiseLayer l, LayerSite site) {
        TypeSpec.Builder t = site.classBuilder(describe(l));
        t.addField(LayerSite.constant("IN_SIZE", l.inputShape().size()));
        t.addField(LayerSite.constant("OUT_SIZE", l.inputShape().size()));
        MethodSpec.Builder forward = MethodSpec.methodBuilder("forward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addParameter(float[].class, "in").addParameter(float[].class, "out");
        MethodSpec.Builder backward = MethodSpec.methodBuilder("backward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addParameter(float[].class, "dOut").addParameter(float[].class, "dIn");
        if (!l.active()) {
            forward.addJavadoc("out = in: the layer never draws noise.\n").addParameter(int.class, "n")
                    .addStatement("$T.arraycopy(in, 0, out, 0, n * IN_SIZE)", System.class);
            backward.addJavadoc("dIn = dOut.\n").addParameter(int.class, "n")
                    .addStatement("$T.arraycopy(dOut, 0, dIn, 0, n * IN_SIZE)", System.class);
        } else {
            t.addField(LayerSite.constant("LAYER", site.index()));
            t.addField(FieldSpec.builder(long.class, "SEED_MIX", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                    .addJavadoc("Mixed into every example's seed: from the layer's {@code seed=} ($L).\n",
                            l.seed() == null ? "none" : l.seed())
                    .initializer("$LL", seedMix(l.seed())).build());
            if (hasMask(l)) {
                t.addField(LayerSite.constant("MASK_SIZE", l.maskSize()));
                forward.addParameter(float[].class, "mask");
                backward.addParameter(float[].class, "mask");
            }
            forward.addParameter(RNG, "rng").addParameter(BATCH, "batch").addParameter(int.class, "n")
                    .addJavadoc("$L in training, out = in otherwise; in and out $L.\n", formula(l),
                            LayerSite.batch(l.inputShape()))
                    .beginControlFlow("if (batch.mode() != $T.TRAINING)", MODE)
                    .addStatement("$T.arraycopy(in, 0, out, 0, n * IN_SIZE)", System.class);
            if (hasMask(l)) {
                forward.addStatement("$T.fill(mask, 0, n * MASK_SIZE, 1f)", Arrays.class);
            }
            forward.addStatement("return").endControlFlow()
                    .beginControlFlow("for (int b = 0; b < n; b++)")
                    .addStatement("rng.reset(batch.noiseSeed(LAYER, b) ^ SEED_MIX)");
            backward.addParameter(int.class, "n");
            if (l.kind() == Kind.GAUSSIAN_NOISE) {
                forward.beginControlFlow("for (int j = b * IN_SIZE; j < (b + 1) * IN_SIZE; j++)")
                        .addStatement("out[j] = in[j] + (float) ($L * rng.nextGaussian())", l.amount())
                        .endControlFlow().endControlFlow();
                backward.addJavadoc("dIn = dOut: the noise is added.\n")
                        .addStatement("$T.arraycopy(dOut, 0, dIn, 0, n * IN_SIZE)", System.class);
            } else {
                forward.beginControlFlow("for (int k = b * MASK_SIZE; k < (b + 1) * MASK_SIZE; k++)");
                if (l.kind() == Kind.DROPOUT) {
                    forward.addStatement("mask[k] = rng.nextDouble() >= $L ? $Lf : 0f", l.amount(),
                            (float) (1.0 / (1.0 - l.amount())));
                } else {
                    forward.addStatement("mask[k] = (float) (1.0 + $L * rng.nextGaussian())",
                            Math.sqrt(l.amount() / (1.0 - l.amount())));
                }
                forward.endControlFlow().endControlFlow();
                backward.addJavadoc("dIn = dOut * mask, the mask of the last forward pass.\n");
                if (l.maskSize() == l.inputShape().size()) {
                    forward.beginControlFlow("for (int j = 0; j < n * IN_SIZE; j++)")
                            .addStatement("out[j] = in[j] * mask[j]").endControlFlow();
                    backward.beginControlFlow("for (int j = 0; j < n * IN_SIZE; j++)")
                            .addStatement("dIn[j] = dOut[j] * mask[j]").endControlFlow();
                } else {
                    int[] dims = l.inputShape().dims();
                    forward.addComment("the mask $L broadcast over the input $L", LayerSite.dims(l.maskShape()),
                            LayerSite.dims(dims))
                            .addCode(PReluGenerator.loops(dims, l.maskShape(), CodeBlock.builder()
                                    .addStatement("out[j] = in[j] * mask[b * MASK_SIZE + a]").build()));
                    backward.addCode(PReluGenerator.loops(dims, l.maskShape(), CodeBlock.builder()
                            .addStatement("dIn[j] = dOut[j] * mask[b * MASK_SIZE + a]").build()));
                }
            }
        }
        t.addMethod(forward.build());
        if (site.computesInputGradient()) {
            t.addMethod(backward.build());
        }
        return t.build();
    }

    /** SplitMix64's finalizer of the seed, 0 without one. */
    static long seedMix(Long seed) {
        if (seed == null) {
            return 0;
        }
        long z = seed + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static String describe(NoiseLayer l) {
        String what = switch (l.kind()) {
            case DROPOUT -> "dropout, rate " + l.amount() + (l.maskSize() == l.inputShape().size() ? ""
                    : ", mask " + LayerSite.dims(l.maskShape()));
            case GAUSSIAN_NOISE -> "additive gaussian noise, stddev " + l.amount();
            case GAUSSIAN_DROPOUT -> "multiplicative gaussian noise, rate " + l.amount();
        };
        return what + (l.active() ? "; the identity in inference" : "; inactive: the identity");
    }

    private static String formula(NoiseLayer l) {
        return switch (l.kind()) {
            case DROPOUT -> "out = in * mask, the mask 1 / (1 - rate) with probability 1 - rate, else 0,";
            case GAUSSIAN_NOISE -> "out = in + N(0, stddev)";
            case GAUSSIAN_DROPOUT -> "out = in * N(1, sqrt(rate / (1 - rate)))";
        };
    }

    @Override
    public List<ModelField> modelFields(NoiseLayer l, LayerSite site) {
        if (!l.active()) {
            return List.of();
        }
        ModelField rng = new ModelField(RNG, site.fieldPrefix() + "Rng", CodeBlock.of("new $T(0)", RNG),
                "the generator, reset per example.");
        if (!hasMask(l)) {
            return List.of(rng);
        }
        return List.of(new ModelField(TypeName.get(float[].class), site.fieldPrefix() + "Mask",
                CodeBlock.of("new float[batchSize * $T.MASK_SIZE]", site.className()), "the mask of the last forward pass."),
                rng);
    }

    @Override
    public CodeBlock forwardCall(NoiseLayer l, LayerSite site) {
        if (!l.active()) {
            return CodeBlock.builder().addStatement("$T.forward($L, $L, n)", site.className(), site.in(), site.out()).build();
        }
        return CodeBlock.builder().addStatement("$T.forward($L, $L, $Lbatch, n)", site.className(), site.in(), site.out(),
                (hasMask(l) ? site.fieldPrefix() + "Mask, " : "") + site.fieldPrefix() + "Rng, ").build();
    }

    @Override
    public CodeBlock backwardCall(NoiseLayer l, LayerSite site) {
        if (!site.computesInputGradient()) {
            return CodeBlock.of("");
        }
        return CodeBlock.builder().addStatement("$T.backward($L, $L, $Ln)", site.className(), site.dOut(), site.dIn(),
                hasMask(l) ? site.fieldPrefix() + "Mask, " : "").build();
    }
}
