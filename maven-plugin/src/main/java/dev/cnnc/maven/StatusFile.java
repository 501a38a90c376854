package dev.cnnc.maven;

import dev.cnnc.runtime.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the last successful run saw and produced: the hash of its inputs (every model file's path
 * and content, the generator's version and the parameters) and the generated files, relative to
 * the output directory. A run whose hash matches and whose outputs all exist has nothing to do.
 */
record StatusFile(String hash, List<String> outputs) {
    private static final String HEADER = "# cnnc-maven-plugin: the inputs and outputs of the last successful run. "
            + "Delete this file to force regeneration.";

    StatusFile {
        outputs = List.copyOf(outputs);
    }

    /** The status recorded in {@code file}, or null if there is none or it cannot be read. */
    static StatusFile read(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            String hash = null;
            List<String> outputs = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.startsWith("sha256 ")) {
                    hash = line.substring(7).trim();
                } else if (line.startsWith("output ")) {
                    outputs.add(line.substring(7));
                }
            }
            return hash == null ? null : new StatusFile(hash, outputs);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    void write(Path file) throws IOException {
        StringBuilder text = new StringBuilder(HEADER).append('\n').append("sha256 ").append(hash).append('\n');
        for (String output : outputs) {
            text.append("output ").append(output).append('\n');
        }
        AtomicFiles.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
    }
}
