package dev.cnnc.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CnncBuildTest {
    static final String TINY = """
            input(8, 8, 1)
            Conv2D(4, 3, activation='relu')
            Flatten()
            Dense(3, activation='softmax')
            compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
            """;
    static final FileTime OLD = FileTime.fromMillis(946_684_800_000L); // 2000-01-01

    @TempDir
    Path dir;

    /** Collects what the build logs, one entry per call, prefixed with its level. */
    static final class RecordingLog implements BuildLog {
        final List<String> lines = new ArrayList<>();

        @Override
        public void info(String message) {
            lines.add("INFO " + message);
        }

        @Override
        public void warn(String message) {
            lines.add("WARN " + message);
        }

        @Override
        public void error(String message) {
            lines.add("ERROR " + message);
        }

        String text() {
            return String.join("\n", lines);
        }
    }

    Path src() {
        return dir.resolve("src/main/cnn");
    }

    Path out() {
        return dir.resolve("target/generated-sources/cnn");
    }

    Path status() {
        return dir.resolve("target/maven-status/cnnc/generate.status");
    }

    Path model(String relative, String text) throws IOException {
        Path file = src().resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    CnncBuild.Result generate(CnncBuild.Config config, RecordingLog log) throws Exception {
        return new CnncBuild(config, log).generate(out(), status());
    }

    CnncBuild.Result generate() throws Exception {
        return generate(CnncBuild.Config.of(src()), new RecordingLog());
    }

    /** Every file below the output directory, relative, with its modification time. */
    Map<String, FileTime> outputs() throws IOException {
        Map<String, FileTime> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(out())) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                files.put(CnncBuild.slashes(out().relativize(p)), Files.getLastModifiedTime(p));
            }
        }
        return files;
    }

    void backdate() throws IOException {
        try (Stream<Path> walk = Files.walk(out())) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                Files.setLastModifiedTime(p, OLD);
            }
        }
        Files.setLastModifiedTime(status(), OLD);
    }

    @Test
    void packageComesFromThePackageLineThenTheFolderThenTheParameter() throws Exception {
        model("com/example/folder/Folder.cnn", "model Folder\n" + TINY);
        model("other/place/Line.cnn", "package com.example.line\nmodel Line\n" + TINY);
        model("root_net.cnn", TINY);
        RecordingLog log = new RecordingLog();
        CnncBuild.Result r = generate(CnncBuild.Config.of(src()).withPackageName("com.example.config"), log);

        assertEquals(3, r.models());
        assertEquals(3 * 4, r.files(), "three layer classes and the model class per model");
        assertEquals(r.files(), r.written());
        Map<String, FileTime> files = outputs();
        assertTrue(files.containsKey("com/example/folder/Folder.java"), files.toString());
        assertTrue(files.containsKey("com/example/folder/folder/Conv2d1.java"), files.toString());
        assertTrue(files.containsKey("com/example/line/Line.java"), files.toString());
        assertTrue(files.containsKey("com/example/config/RootNet.java"), files.toString());
        assertTrue(files.containsKey("com/example/config/rootnet/Dense1.java"), files.toString());
        assertEquals(12, files.size(), files.toString());
        String model = Files.readString(out().resolve("com/example/folder/Folder.java"));
        assertTrue(model.startsWith(CnncBuild.GENERATED_HEADER), model);
        assertTrue(model.contains("package com.example.folder;"), model);
        assertTrue(log.text().contains("cnnc: 3 models, 12 files in " + out() + " (12 written, 0 unchanged, 0 stale deleted)"),
                log.text());
    }

    @Test
    void withoutPackageLineFolderOrParameterTheDefaultPackageIsUsed() throws Exception {
        model("Net.cnn", TINY);
        generate();
        assertTrue(Files.isRegularFile(out().resolve("Net.java")));
        assertTrue(Files.isRegularFile(out().resolve("net/Conv2d1.java")));
    }

    @Test
    void secondRunWithNoChangeTouchesNothing() throws Exception {
        model("a/A.cnn", TINY);
        model("b/B.cnn", TINY);
        generate();
        backdate();
        Map<String, FileTime> before = outputs();

        RecordingLog log = new RecordingLog();
        CnncBuild.Result r = generate(CnncBuild.Config.of(src()), log);

        assertTrue(r.upToDate());
        assertEquals(List.of("INFO cnnc: all 2 models up to date"), log.lines);
        assertEquals(before, outputs());
        assertEquals(OLD, Files.getLastModifiedTime(status()));
    }

    @Test
    void aChangedModelRegeneratesButRewritesOnlyFilesWhoseContentChanged() throws Exception {
        model("a/A.cnn", TINY);
        Path b = model("b/B.cnn", TINY);
        generate();
        backdate();

        Files.writeString(b, TINY.replace("Dense(3,", "Dense(5,"));
        CnncBuild.Result r = generate();

        assertFalse(r.upToDate());
        Map<String, FileTime> after = outputs();
        List<String> rewritten = after.entrySet().stream().filter(e -> !e.getValue().equals(OLD)).map(Map.Entry::getKey).toList();
        assertEquals(List.of("b/B.java", "b/b/Dense1.java"), rewritten, "only B's model and last layer change");
        assertEquals(2, r.written());
        assertEquals(6, r.unchanged());
    }

    @Test
    void aChangedParameterRegenerates() throws Exception {
        model("a/A.cnn", TINY);
        generate();
        CnncBuild.Result r = generate(CnncBuild.Config.of(src()).withInputGradient(true), new RecordingLog());
        assertFalse(r.upToDate());
        assertTrue(r.written() > 0);
        assertTrue(Files.readString(out().resolve("a/A.java")).contains("inputGradient"));
    }

    @Test
    void missingOutputsRegenerate() throws Exception {
        model("a/A.cnn", TINY);
        generate();
        Files.delete(out().resolve("a/a/Dense1.java"));
        CnncBuild.Result r = generate();
        assertFalse(r.upToDate());
        assertEquals(1, r.written());
        assertTrue(Files.isRegularFile(out().resolve("a/a/Dense1.java")));
    }

    @Test
    void deletedAndRenamedModelsLeaveNoClassesBehindButOtherFilesStay() throws Exception {
        model("a/A.cnn", TINY);
        Path b = model("b/B.cnn", TINY);
        generate();
        Path handWritten = out().resolve("b/Notes.java");
        Files.writeString(handWritten, "// written by hand\nclass Notes {}\n");
        Path other = out().resolve("b/b/readme.txt");
        Files.writeString(other, CnncBuild.GENERATED_HEADER + " but not Java\n");

        Files.move(b, src().resolve("b/Renamed.cnn"));
        CnncBuild.Result r = generate();

        assertEquals(4, r.deleted());
        Map<String, FileTime> files = outputs();
        assertFalse(files.containsKey("b/B.java"), files.toString());
        assertFalse(files.containsKey("b/b/Conv2d1.java"), files.toString());
        assertTrue(files.containsKey("b/Renamed.java"), files.toString());
        assertTrue(Files.isRegularFile(handWritten));
        assertTrue(Files.isRegularFile(other));

        Files.delete(src().resolve("b/Renamed.cnn"));
        Files.delete(other);
        r = generate();
        assertEquals(4, r.deleted());
        assertFalse(Files.exists(out().resolve("b/renamed")), "emptied folders go too");
        assertTrue(Files.isRegularFile(handWritten));
        assertTrue(Files.isRegularFile(out().resolve("a/A.java")));
    }

    @Test
    void removingTheLastModelDeletesItsClasses() throws Exception {
        Path a = model("A.cnn", TINY);
        generate();
        Files.delete(a);
        RecordingLog log = new RecordingLog();
        CnncBuild.Result r = generate(CnncBuild.Config.of(src()), log);
        assertEquals(0, r.models());
        assertEquals(4, r.deleted());
        assertEquals(Map.of(), outputs());
        assertTrue(log.text().contains("4 stale generated files deleted"), log.text());
    }

    @Test
    void noSourceDirectoryStillCreatesTheOutputDirectory() throws Exception {
        RecordingLog log = new RecordingLog();
        CnncBuild.Result r = generate(CnncBuild.Config.of(src()), log);
        assertEquals(0, r.models());
        assertTrue(Files.isDirectory(out()));
        assertTrue(log.text().contains("no .cnn files in " + src()), log.text());
    }

    @Test
    void everyErrorOfEveryFileIsReportedWithTheAbsolutePathAndNothingIsWritten() throws Exception {
        Path shape = model("nets/Shape.cnn", "input(8, 8, 1)\nConv2D(4, 3, activation='relu')\nDense(3, activation='softmax')\n");
        Path syntax = model("nets/Syntax.cnn", "input(8, 8, 1)\nConv2D(4, (3, 3)\nFlatten()\n");
        Path two = model("nets/Two.cnn", "input(8, 8, 1)\nConv2D(4, 3, activation='rleu')\nFlatten()\nDense(3, activaton='softmax')\n");
        model("nets/Good.cnn", TINY);
        RecordingLog log = new RecordingLog();

        CnncException e = assertThrows(CnncException.class, () -> generate(CnncBuild.Config.of(src()), log));

        assertEquals("cnnc found 4 errors in 3 files", e.getMessage());
        String text = log.text();
        assertTrue(text.contains("ERROR " + shape.toAbsolutePath() + ":3:1: error: Dense needs a flat input, but its input is 6x6x4: "
                + "add Flatten() before it\nDense(3, activation='softmax')\n^~~~~"), text);
        assertTrue(text.contains("ERROR " + syntax.toAbsolutePath() + ":2:7: error: '(' is never closed\nConv2D(4, (3, 3)\n      ^"), text);
        assertTrue(text.contains("ERROR " + two.toAbsolutePath() + ":2:25: error: unknown activation 'rleu'"), text);
        assertTrue(text.contains("ERROR " + two.toAbsolutePath() + ":4:10: error: Dense has no argument 'activaton'"), text);
        assertFalse(Files.exists(out()), "nothing is generated when a model has errors");
        assertFalse(Files.exists(status()));
    }

    @Test
    void theStatusIsUpdatedOnlyAfterSuccess() throws Exception {
        Path a = model("a/A.cnn", TINY);
        generate();
        String good = Files.readString(status());
        Files.writeString(a, "input(8, 8, 1)\nDense(3)\n");
        assertThrows(CnncException.class, this::generate);
        assertEquals(good, Files.readString(status()));
        Files.writeString(a, TINY);
        assertTrue(generate().upToDate(), "back to the inputs of the last success");
    }

    @Test
    void warningsAreLoggedAndFailOnlyWithFailOnWarning() throws Exception {
        Path w = model("w/W.cnn", TINY.replace("activation='softmax'", "activation='relu'"));
        RecordingLog log = new RecordingLog();
        generate(CnncBuild.Config.of(src()), log);
        assertTrue(log.text().contains("WARN " + w.toAbsolutePath() + ":5:"), log.text());

        CnncException e = assertThrows(CnncException.class,
                () -> generate(CnncBuild.Config.of(src()).withFailOnWarning(true), new RecordingLog()));
        assertEquals("cnnc found 1 warning in 1 file (failOnWarning is set)", e.getMessage());
    }

    @Test
    void aPastedScriptsNotesAreInformationNotWarnings() throws Exception {
        Path script = model("s/Script.cnn", "from keras.datasets import mnist\n(x, y), (t, u) = mnist.load_data()\n" + TINY);
        RecordingLog log = new RecordingLog();
        generate(CnncBuild.Config.of(src()).withFailOnWarning(true), log); // notes never fail a build
        assertTrue(log.text().contains("INFO " + script.toAbsolutePath() + ":2:1: note: 1 statement about data"),
                log.text());
        assertFalse(log.text().contains("WARN"), log.text());
    }

    @Test
    void aWholeKerasScriptIsAModelAndImageDataFormatChoosesItsBranch() throws Exception {
        model("com/example/mnist_convnet.py", "'''A pasted script.'''\n"
                + "from keras.models import Sequential\n"
                + "from keras.layers import Conv2D, Flatten, Dense\n"
                + "from keras import backend as K\n"
                + "rows, cols = 8, 8\n"
                + "if K.image_data_format() == 'channels_first':\n"
                + "    input_shape = (1, rows, cols)\n"
                + "else:\n"
                + "    input_shape = (rows, cols, 1)\n"
                + "model = Sequential()\n"
                + "model.add(Conv2D(4, (3, 3), input_shape=input_shape))\n"
                + "model.add(Flatten())\n"
                + "model.add(Dense(3, activation='softmax'))\n"
                + "model.compile(optimizer='adam', loss='categorical_crossentropy')\n");
        CnncBuild.Result last = generate(CnncBuild.Config.of(src()), new RecordingLog());
        assertEquals(1, last.models());
        Path conv = out().resolve("com/example/mnistconvnet/Conv2d1.java");
        assertTrue(Files.readString(conv).contains("(6, 6, 4)"), "channels_last output");
        CnncBuild.Result first = generate(CnncBuild.Config.of(src()).withScript(
                new dev.cnnc.compiler.syntax.Script.Options(true)), new RecordingLog());
        assertFalse(first.upToDate(), "another image data format regenerates");
        assertTrue(Files.readString(conv).contains("(4, 6, 6)"), "channels_first output");
    }

    @Test
    void aFolderThatIsNoJavaPackageIsAnError() throws Exception {
        Path f = model("my-nets/Net.cnn", TINY);
        model("com/if/Net.cnn", TINY);
        model("fine/Net.cnn", "package com.example\n" + TINY.replace("Dense(3", "Dense(4"));
        RecordingLog log = new RecordingLog();
        CnncException e = assertThrows(CnncException.class, () -> generate(CnncBuild.Config.of(src()), log));
        assertEquals("cnnc found 2 errors in 2 files", e.getMessage());
        assertTrue(log.text().contains("ERROR " + f.toAbsolutePath() + ":1:1: error: the folder 'my-nets' does not give a Java "
                + "package: 'my-nets' is not a Java package name"), log.text());
        assertTrue(log.text().contains("the folder 'com/if' does not give a Java package: 'if' is a Java keyword; add a line such as"),
                log.text());
    }

    @Test
    void aBadPackageParameterFailsBeforeAnythingElse() throws Exception {
        model("A.cnn", TINY);
        CnncException e = assertThrows(CnncException.class,
                () -> generate(CnncBuild.Config.of(src()).withPackageName("com.example.class"), new RecordingLog()));
        assertEquals("packageName: 'class' is a Java keyword", e.getMessage());
    }

    @Test
    void twoModelsGeneratingTheSameClassAreAnError() throws Exception {
        model("x/Net.cnn", "package com.example\nmodel Net\n" + TINY);
        Path second = model("y/Other.cnn", "package com.example\nmodel Net\n" + TINY);
        RecordingLog log = new RecordingLog();
        CnncException e = assertThrows(CnncException.class, () -> generate(CnncBuild.Config.of(src()), log));
        assertEquals("cnnc found 1 error in 1 file", e.getMessage());
        assertTrue(log.text().contains(second.toAbsolutePath() + ":1:1: error: this model generates com/example/net/Conv2d1.java, as "
                + src().resolve("x/Net.cnn") + " does"), log.text());
        assertFalse(Files.exists(out()));
    }

    @Test
    void includesExcludesAndSkippedDirectories() throws Exception {
        Path base = dir;
        Files.writeString(base.resolve("Top.cnn"), TINY);
        Files.createDirectories(base.resolve("sub"));
        Files.writeString(base.resolve("sub/Deep.cnn"), TINY);
        Files.createDirectories(base.resolve("target/it"));
        Files.writeString(base.resolve("target/it/Copy.cnn"), TINY);
        Files.writeString(base.resolve("Skip.cnn"), TINY);

        CnncBuild top = new CnncBuild(CnncBuild.Config.of(base).withPatterns(List.of("*.cnn"), List.of("Skip.cnn")), new RecordingLog());
        assertEquals(List.of(base.resolve("Top.cnn")), top.sources());

        CnncBuild all = new CnncBuild(new CnncBuild.Config(base, null, null, List.of(base.resolve("target")), null, false, false, null),
                new RecordingLog());
        assertEquals(List.of(base.resolve("Skip.cnn"), base.resolve("Top.cnn"), base.resolve("sub/Deep.cnn")), all.sources());
    }

    @Test
    void summariesAreLoggedLineByLine() throws Exception {
        model("a/A.cnn", "model A\n" + TINY);
        RecordingLog log = new RecordingLog();
        new CnncBuild(CnncBuild.Config.of(src()), log).summaries();
        assertTrue(log.lines.contains("INFO Model A (" + src().resolve("a/A.cnn") + ")"), log.text());
        assertTrue(log.lines.contains("INFO conv2d_1 (Conv2D)            (None, 6, 6, 4)           40        "), log.text());
        assertTrue(log.lines.contains("INFO Total params: 475"), log.text());
    }

    @Test
    void antPatterns() {
        AntPatterns p = new AntPatterns(List.of("**/*.cnn"));
        assertTrue(p.matches("a.cnn"));
        assertTrue(p.matches("x/y/a.cnn"));
        assertFalse(p.matches("a.cnnx"));
        assertEquals(Integer.MAX_VALUE, p.maxDepth());
        AntPatterns top = new AntPatterns(List.of("*.cnn", "one/?.cnn"));
        assertTrue(top.matches("a.cnn"));
        assertFalse(top.matches("x/a.cnn"));
        assertTrue(top.matches("one/b.cnn"));
        assertFalse(top.matches("one/bb.cnn"));
        assertEquals(2, top.maxDepth());
        AntPatterns folder = new AntPatterns(List.of("old/"));
        assertTrue(folder.matches("old/x/a.cnn"));
        assertFalse(folder.matches("older/a.cnn"));
        assertFalse(new AntPatterns(List.of("a.b")).matches("axb"), "a dot is a dot");
    }
}
