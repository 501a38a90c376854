package dev.cnnc.compiler.ir;

import java.util.Locale;
import java.util.Set;
import javax.lang.model.SourceVersion;

/** Rules for names that end up in generated Java code. */
public final class JavaNames {
    /** Restricted identifiers that javac accepts in some places but that we never generate. */
    private static final Set<String> RESTRICTED = Set.of("var", "yield", "record", "sealed", "permits", "_");

    /**
     * Simple names the generated code refers to without qualification (java.lang, the runtime, the
     * Vector API): a generated class of the same name would shadow them.
     */
    public static final Set<String> RESERVED_CLASS_NAMES = Set.of("Math", "StrictMath", "Float", "Integer", "Long",
            "Double", "Boolean", "String", "Object", "System", "Override", "IllegalArgumentException", "Arrays", "List",
            "Generated", "Network", "Parameter", "Init", "Rng", "Penalties", "Constraints", "TrainingConfig", "Augmentation", "VectorSupport", "VectorApi", "FloatVector",
            "VectorSpecies", "VectorMask", "VectorOperators", "VectorShape");

    private JavaNames() {}

    /** Why {@code name} cannot be a generated class's name, or null if it can. */
    public static String classProblem(String name) {
        String p = problem(name);
        if (p != null) {
            return p;
        }
        return RESERVED_CLASS_NAMES.contains(name) ? "would shadow the class " + name + " that generated code uses" : null;
    }

    /** Why {@code name} cannot be a Java type, package segment or variable name, or null if it can. */
    public static String problem(String name) {
        if (name.isEmpty()) {
            return "is empty";
        }
        if (SourceVersion.isKeyword(name, SourceVersion.RELEASE_17) || RESTRICTED.contains(name)) {
            return "is a Java keyword";
        }
        if (!SourceVersion.isIdentifier(name)) {
            return "is not a valid Java identifier";
        }
        // isIdentifier accepts "identifier-ignorable" control characters such as NUL: refuse them too
        if (!name.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '$'))) {
            return "must use ASCII letters, digits and '_' only";
        }
        return null;
    }

    /** {@code max_pooling2d_1} to {@code MaxPooling2d1}; {@code mnist-cnn} to {@code MnistCnn}. */
    public static String upperCamel(String name) {
        StringBuilder out = new StringBuilder();
        boolean upper = true;
        for (char c : name.toCharArray()) {
            if (!Character.isLetterOrDigit(c) || c > 127) {
                upper = true;
                continue;
            }
            out.append(upper ? Character.toUpperCase(c) : c);
            upper = false;
        }
        return out.toString();
    }

    /** {@code MaxPooling2D} to {@code max_pooling2d}, as Keras 2.2.4's {@code _to_snake_case}. */
    public static String snakeCase(String className) {
        String s = className.replaceAll("(.)([A-Z][a-z0-9]+)", "$1_$2");
        return s.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}
