package dev.cnnc.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;

/**
 * A field a layer needs in the model, one per replica (a noise layer's mask and random generator):
 * declared {@code private final} and set in the constructor, where {@code batchSize} is in scope.
 *
 * @param name the field's name, by convention {@link LayerSite#fieldPrefix()} and a suffix
 * @param initializer the expression that creates it: {@code new float[batchSize * 12]}
 */
public record ModelField(TypeName type, String name, CodeBlock initializer, String javadoc) {}
