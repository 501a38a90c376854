package dev.cnnc.compiler.codegen.vector;

import static dev.cnnc.compiler.codegen.portable.Literals.floatLiteral;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.codegen.portable.AdvancedActivationGenerator;
import dev.cnnc.compiler.ir.AdvancedActivationLayer;
import dev.cnnc.compiler.ir.AdvancedActivationLayer.Function;

/**
 * ReLU, LeakyReLU and ThresholdedReLU with the Vector API: the portable formulas as masks and blends
 * on a vector of values at a time (C2 does not vectorize their conditional expressions, and a branch
 * per value mispredicts on signs), then the portable loop for the tail. Every value is what the
 * portable code computes, NaN included. ELU stays portable (its exponentials are StrictMath's).
 */
final class VectorAdvancedActivationGenerator extends AdvancedActivationGenerator {

    @Override
    public boolean handles(AdvancedActivationLayer layer) {
        return layer.function() == Function.RELU;
    }

    @Override
    protected CodeBlock forwardLoops(TypeSpec.Builder type, AdvancedActivationLayer l) {
        type.addFields(VectorKernels.species());
        String th = floatLiteral(l.threshold());
        CodeBlock.Builder b = CodeBlock.builder()
                .addStatement("int total = n * IN_SIZE")
                .addStatement("int j = 0")
                .beginControlFlow("for (; j < S.loopBound(total); j += L)")
                .addStatement("$T x = $T.fromArray(S, in, j)", VectorTypes.FLOAT_VECTOR, VectorTypes.FLOAT_VECTOR)
                .addStatement("$T y = $T.zero(S).blend(x, x.compare($T.GT, $L))", VectorTypes.FLOAT_VECTOR,
                        VectorTypes.FLOAT_VECTOR, VectorTypes.OPERATORS, th);
        if (l.maxValue() != null) {
            b.addStatement("y = y.max(0f).min($L)", floatLiteral(l.maxValue()));
        }
        if (l.alpha() != 0) {
            b.addStatement("y = y.sub($T.broadcast(S, $L).sub(x).max(0f).mul($L))", VectorTypes.FLOAT_VECTOR, th,
                    floatLiteral(l.alpha()));
        }
        return b.addStatement("y.intoArray(out, j)")
                .endControlFlow()
                .add(scalarForward(l, null))
                .build();
    }

    @Override
    protected CodeBlock backwardLoops(AdvancedActivationLayer l) {
        String th = floatLiteral(l.threshold());
        CodeBlock.Builder b = CodeBlock.builder()
                .addStatement("int total = n * IN_SIZE")
                .addStatement("int j = 0")
                .beginControlFlow("for (; j < S.loopBound(total); j += L)")
                .addStatement("$T x = $T.fromArray(S, in, j)", VectorTypes.FLOAT_VECTOR, VectorTypes.FLOAT_VECTOR)
                .addStatement("$T pass = x.compare($T.GT, $L)", VectorTypes.FLOAT_MASK, VectorTypes.OPERATORS, th);
        if (l.maxValue() != null) {
            b.addStatement("pass = pass.and(x.compare($T.GE, 0f)).and(x.compare($T.LE, $L))", VectorTypes.OPERATORS,
                    VectorTypes.OPERATORS, floatLiteral(l.maxValue()));
        }
        b.addStatement("$T d = $T.zero(S).blend(1f, pass)", VectorTypes.FLOAT_VECTOR, VectorTypes.FLOAT_VECTOR);
        if (l.alpha() != 0) {
            b.addStatement("d = d.add($T.zero(S).blend($L, x.compare($T.LT, $L)))", VectorTypes.FLOAT_VECTOR,
                    floatLiteral(l.alpha()), VectorTypes.OPERATORS, th);
        }
        return b.addStatement("$T.fromArray(S, dOut, j).mul(d).intoArray(dIn, j)", VectorTypes.FLOAT_VECTOR)
                .endControlFlow()
                .add(scalarBackward(l, null))
                .build();
    }
}
