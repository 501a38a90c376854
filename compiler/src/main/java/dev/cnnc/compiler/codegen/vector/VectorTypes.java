package dev.cnnc.compiler.codegen.vector;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;

/** The {@code jdk.incubator.vector} types the generated Vector API code names. */
final class VectorTypes {
    static final ClassName FLOAT_VECTOR = ClassName.get("jdk.incubator.vector", "FloatVector");
    static final ClassName OPERATORS = ClassName.get("jdk.incubator.vector", "VectorOperators");
    static final ClassName SPECIES = ClassName.get("jdk.incubator.vector", "VectorSpecies");
    static final ClassName VECTOR_SHAPE = ClassName.get("jdk.incubator.vector", "VectorShape");
    static final TypeName FLOAT_SPECIES = ParameterizedTypeName.get(SPECIES, ClassName.get(Float.class));
    static final TypeName FLOAT_MASK = ParameterizedTypeName.get(ClassName.get("jdk.incubator.vector", "VectorMask"),
            ClassName.get(Float.class));

    private VectorTypes() {}
}
