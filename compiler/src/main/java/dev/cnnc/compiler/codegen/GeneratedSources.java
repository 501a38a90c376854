package dev.cnnc.compiler.codegen;

import dev.cnnc.compiler.ir.JavaNames;
import dev.cnnc.runtime.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Writes generated sources below a source root: never outside it, never rewriting a file whose
 * content is unchanged (so that builds stay incremental), and each file replaced atomically
 * ({@link AtomicFiles}).
 */
public final class GeneratedSources {
    private GeneratedSources() {}

    /** How many files were written and how many were already up to date. */
    public record Written(int written, int unchanged) {}

    /** The path of {@code file} below {@code root}, refusing any that would leave it. */
    public static Path pathOf(GeneratedFile file, Path root) throws IOException {
        String pkg = file.packageName();
        if (Names.packageProblem(pkg) != null) {
            throw new IOException("refusing to write package '" + pkg + "': " + Names.packageProblem(pkg));
        }
        String classProblem = JavaNames.classProblem(file.simpleName());
        if (classProblem != null) {
            throw new IOException("refusing to write class '" + file.simpleName() + "': " + classProblem);
        }
        Path dir = root.toAbsolutePath().normalize();
        Path target = dir;
        for (String segment : pkg.isEmpty() ? new String[0] : pkg.split("\\.")) {
            target = target.resolve(segment);
        }
        target = target.resolve(file.simpleName() + ".java").normalize();
        if (!target.startsWith(dir)) {
            throw new IOException("refusing to write outside " + dir + ": " + target);
        }
        return target;
    }

    public static Written write(List<GeneratedFile> files, Path root) throws IOException {
        int written = 0;
        int unchanged = 0;
        for (GeneratedFile file : files) {
            Path target = pathOf(file, root);
            byte[] content = file.text().getBytes(StandardCharsets.UTF_8);
            if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), content)) {
                unchanged++;
                continue;
            }
            AtomicFiles.write(target, content);
            written++;
        }
        return new Written(written, unchanged);
    }
}
