package dev.cnnc.compiler.codegen;

import com.palantir.javapoet.JavaFile;
import dev.cnnc.compiler.ir.JavaNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;

/**
 * Writes generated sources below a source root: never outside it, never rewriting a file whose
 * content is unchanged (so that builds stay incremental), and each file replaced atomically.
 */
public final class GeneratedSources {
    private GeneratedSources() {}

    /** How many files were written and how many were already up to date. */
    public record Written(int written, int unchanged) {}

    /** Why {@code name} cannot be a Java package, or null if it can. */
    public static String packageProblem(String name) {
        if (name.isEmpty()) {
            return null;
        }
        if (!name.matches("[A-Za-z0-9_$]+(\\.[A-Za-z0-9_$]+)*")) {
            return "is not a Java package name (names of letters, digits and '_' separated by '.')";
        }
        for (String segment : name.split("\\.", -1)) {
            String p = JavaNames.problem(segment);
            if (p != null) {
                return "'" + segment + "' " + p;
            }
        }
        return null;
    }

    /** The path of {@code file} below {@code root}, refusing any that would leave it. */
    public static Path pathOf(JavaFile file, Path root) throws IOException {
        String pkg = file.packageName();
        if (packageProblem(pkg) != null) {
            throw new IOException("refusing to write package '" + pkg + "': " + packageProblem(pkg));
        }
        Path dir = root.toAbsolutePath().normalize();
        Path target = dir;
        for (String segment : pkg.isEmpty() ? new String[0] : pkg.split("\\.")) {
            target = target.resolve(segment);
        }
        target = target.resolve(file.typeSpec().name() + ".java").normalize();
        if (!target.startsWith(dir)) {
            throw new IOException("refusing to write outside " + dir + ": " + target);
        }
        return target;
    }

    public static Written write(List<JavaFile> files, Path root) throws IOException {
        int written = 0;
        int unchanged = 0;
        for (JavaFile file : files) {
            Path target = pathOf(file, root);
            byte[] content = file.toString().getBytes(StandardCharsets.UTF_8);
            if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), content)) {
                unchanged++;
                continue;
            }
            Files.createDirectories(target.getParent());
            Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
            try {
                Files.write(temp, content);
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temp);
            }
            written++;
        }
        return new Written(written, unchanged);
    }
}
