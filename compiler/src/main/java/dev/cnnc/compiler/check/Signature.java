package dev.cnnc.compiler.check;

import dev.cnnc.compiler.diag.Diagnostics;
import dev.cnnc.compiler.syntax.Ast.Argument;
import dev.cnnc.compiler.syntax.Ast.Call;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The arguments a call accepts, in Keras' positional order, and how a call's arguments bind to
 * them. Binding reports unknown, repeated, missing and surplus arguments.
 */
public final class Signature {
    private final String owner;
    private final List<String> positional;
    private final int required;
    private final List<String> keywordOnly;
    private final Map<String, String> aliases;

    private Signature(String owner, List<String> positional, int required, List<String> keywordOnly,
            Map<String, String> aliases) {
        this.owner = owner;
        this.positional = List.copyOf(positional);
        this.required = required;
        this.keywordOnly = List.copyOf(keywordOnly);
        this.aliases = Map.copyOf(aliases);
    }

    public static Builder of(String owner) {
        return new Builder(owner);
    }

    public String owner() {
        return owner;
    }

    /** Every argument name, positional ones first. */
    public List<String> names() {
        List<String> all = new ArrayList<>(positional);
        all.addAll(keywordOnly);
        return all;
    }

    /** The required arguments, in positional order: what a person writes without a keyword. */
    public List<String> requiredNames() {
        return positional.subList(0, required);
    }

    /** This signature with more keyword-only arguments. */
    public Signature withKeywordOnly(List<String> names) {
        List<String> keywords = new ArrayList<>(keywordOnly);
        keywords.addAll(names);
        return new Signature(owner, positional, required, keywords, aliases);
    }

    /** Binds {@code call}'s arguments, reporting every problem to {@code diagnostics}. */
    public Args bind(Call call, Diagnostics diagnostics) {
        Map<String, Argument> bound = new LinkedHashMap<>();
        boolean ok = true; // false for problems that leave the binding of every argument in doubt
        java.util.Set<String> bad = new java.util.HashSet<>();
        boolean sawKeyword = false;
        boolean misplaced = false;
        int index = 0;
        for (Argument arg : call.arguments()) {
            if (!arg.isKeyword()) {
                // Each of these is reported once per call, at its first argument: a call with thousands
                // of arguments must not give thousands of errors (nor count them thousands of times).
                if (sawKeyword) {
                    if (!misplaced) {
                        diagnostics.error(arg.span(), "positional argument follows keyword argument");
                    }
                    ok = false;
                    misplaced = true;
                } else if (index >= positional.size()) {
                    if (index == positional.size()) {
                        diagnostics.error(arg.span(), owner + " takes at most " + positional.size() + " positional argument"
                                + (positional.size() == 1 ? "" : "s") + " (" + String.join(", ", positional) + "), found "
                                + call.arguments().stream().filter(a -> !a.isKeyword()).count());
                    }
                    ok = false;
                } else {
                    bound.put(positional.get(index), arg);
                }
                index++;
                continue;
            }
            sawKeyword = true;
            String name = aliases.getOrDefault(arg.name(), arg.name());
            if (!positional.contains(name) && !keywordOnly.contains(name)) {
                diagnostics.error(arg.nameSpan(), owner + " has no argument '" + arg.name() + "'"
                        + Suggest.didYouMean(arg.name(), names()));
                bad.add("?" + arg.name());
            } else if (bound.containsKey(name)) {
                diagnostics.error(arg.nameSpan(), "argument '" + name + "' is given twice");
                bad.add(name);
            } else {
                bound.put(name, arg);
            }
        }
        for (int i = 0; i < required && !misplaced; i++) {
            if (!bound.containsKey(positional.get(i))) {
                diagnostics.error(call.nameSpan(), owner + " is missing its required argument '" + positional.get(i) + "'");
                bad.add(positional.get(i));
            }
        }
        return new Args(owner, call, bound, diagnostics, ok, bad);
    }

    public static final class Builder {
        private final String owner;
        private final List<String> positional = new ArrayList<>();
        private int required;
        private final List<String> keywordOnly = new ArrayList<>();
        private final Map<String, String> aliases = new LinkedHashMap<>();

        private Builder(String owner) {
            this.owner = owner;
        }

        /** Required positional arguments; they must come before any optional one. */
        public Builder required(String... names) {
            if (positional.size() != required) {
                throw new IllegalStateException("required arguments must come first");
            }
            positional.addAll(List.of(names));
            required += names.length;
            return this;
        }

        /** Optional arguments that may also be given by position, in Keras' order. */
        public Builder optional(String... names) {
            positional.addAll(List.of(names));
            return this;
        }

        public Builder optional(List<String> names) {
            positional.addAll(names);
            return this;
        }

        /** Arguments that can only be given by name. */
        public Builder keywordOnly(String... names) {
            keywordOnly.addAll(List.of(names));
            return this;
        }

        /** {@code alias} is another name of {@code name}: {@code learning_rate} for {@code lr}. */
        public Builder alias(String alias, String name) {
            aliases.put(alias, name);
            return this;
        }

        public Signature build() {
            return new Signature(owner, positional, required, keywordOnly, aliases);
        }
    }
}
