package dev.cnnc.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cnnc.runtime.io.WeightsFile;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cnnc train --checkpoint} in a child JVM, killed with SIGKILL at random moments (epochs of
 * two steps, so that writing checkpoints is most of what it does), a third of them aimed at a write
 * (as soon as the run's temporary file appears):
 * after every kill the checkpoint that is there loads, whatever temporary file the kill left, and
 * the run resumed from it ends with weights bit-identical to an uninterrupted run. Then the writes
 * that fail: a full disk (a file size limit) and a directory that cannot be written.
 */
class KillDuringCheckpointTest {
    static final String MODEL = """
            model Small
            input(28, 28, 1)
            Conv2D(4, (3, 3), strides=2, activation='relu')
            MaxPooling2D((2, 2))
            Flatten()
            Dense(10, activation='softmax')
            compile(optimizer='rmsprop', loss='categorical_crossentropy', metrics=['accuracy'])
            fit(epochs=1, batch_size=32)
            """;
    static final int KILLS = 24;
    /** Epochs of the run: more than the killed runs get through, few enough to finish in seconds. */
    static final int EPOCHS = 1500;

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {}

    // ---------------------------------------------------------------------------------------------
    // Synthetic MNIST: 512 training and 128 test images of 28x28, in the IDX format

    static void writeMnist(Path data) throws IOException {
        Files.createDirectories(data);
        Random r = new Random(5);
        for (String[] set : new String[][] {{"train", "512"}, {"t10k", "128"}}) {
            int count = Integer.parseInt(set[1]);
            byte[] labels = new byte[count];
            byte[] pixels = new byte[count * 784];
            for (int i = 0; i < count; i++) {
                int label = r.nextInt(10);
                labels[i] = (byte) label;
                for (int p = 0; p < 784; p++) {
                    boolean stroke = (p / 28) % 10 == label || (p % 28) % 10 == label; // a grid per class
                    pixels[i * 784 + p] = (byte) (stroke ? 160 + r.nextInt(96) : r.nextInt(40));
                }
            }
            Files.write(data.resolve(set[0] + "-images-idx3-ubyte"), idx(0x803, new int[] {count, 28, 28}, pixels));
            Files.write(data.resolve(set[0] + "-labels-idx1-ubyte"), idx(0x801, new int[] {count}, labels));
        }
    }

    static byte[] idx(int magic, int[] sizes, byte[] body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        for (int s : sizes) {
            out.writeInt(s);
        }
        out.write(body);
        return bytes.toByteArray();
    }

    // ---------------------------------------------------------------------------------------------
    // The child JVM

    private Path model() throws IOException {
        Path file = dir.resolve("Small.cnn");
        if (!Files.exists(file)) {
            Files.writeString(file, MODEL);
            writeMnist(dir.resolve("data"));
        }
        return file;
    }

    /** The child JVM has no Vector API module: --portable runs the portable code without the fallback note. */
    private List<String> command(String... options) throws IOException {
        List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), "dev.cnnc.cli.Main", "train", model().toString(),
                "--data", dir.resolve("data").toString(), "--epochs", "" + EPOCHS, "--batch-size", "32",
                "--train-images", "64", "--threads", "1", "--seed", "7", "--portable"));
        c.addAll(List.of(options));
        return c;
    }

    private Process start(List<String> command) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(false)
                .redirectOutput(dir.resolve("child.out").toFile()).redirectError(dir.resolve("child.err").toFile()).start();
    }

    private Run run(List<String> command) throws Exception {
        Process p = start(command);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child did not finish in 2 minutes");
        return new Run(p.exitValue(), Files.readString(dir.resolve("child.out")), Files.readString(dir.resolve("child.err")));
    }

    private static List<float[]> parameters(Path weights) throws IOException {
        return WeightsFile.read(weights).parameters();
    }

    private static List<Path> temporaryFiles(Path checkpoints) throws IOException {
        if (!Files.isDirectory(checkpoints)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(checkpoints)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    // ---------------------------------------------------------------------------------------------

    @Test
    void killedAtRandomMomentsTheCheckpointAlwaysLoadsAndTheResumedRunEndsBitIdentical() throws Exception {
        Path reference = dir.resolve("reference.cnnw");
        Run straight = run(command("--save", reference.toString()));
        assertEquals(0, straight.exit(), straight.err());

        Path checkpoints = dir.resolve("ckpt");
        Path checkpoint = checkpoints.resolve(TrainCommand.CHECKPOINT_FILE);
        Random random = new Random(2026);
        int lastEpoch = 0;
        int landedMidWrite = 0;
        for (int kill = 0; kill < KILLS; kill++) {
            List<String> options = new ArrayList<>(List.of("--checkpoint", checkpoints.toString()));
            if (Files.exists(checkpoint)) {
                options.add("--resume");
            }
            List<Path> leftBefore = temporaryFiles(checkpoints);
            Process p = start(command(options.toArray(String[]::new)));
            // wait for this run's first checkpoint (past the JVM start and the in-memory javac), then a random moment
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (epochsDone(checkpoint) <= lastEpoch && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            assertTrue(p.isAlive(), "the run ended before it could be killed: " + Files.readString(dir.resolve("child.err")));
            if (kill % 3 == 0) {
                // aimed at a write: kill as soon as this run's next temporary file appears
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (leftBefore.containsAll(temporaryFiles(checkpoints)) && System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            } else {
                Thread.sleep(random.nextInt(300));
            }
            p.destroyForcibly(); // SIGKILL
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertNotEquals(0, p.exitValue(), "killed, not finished");
            if (!leftBefore.containsAll(temporaryFiles(checkpoints))) {
                landedMidWrite++; // killed between creating its temporary file and renaming it
            }
            // the checkpoint loads (checksum, structure) and training went forward
            WeightsFile.Contents c = WeightsFile.read(checkpoint);
            int epochs = c.training().epochsDone();
            assertTrue(epochs > lastEpoch && epochs < EPOCHS, "after kill " + kill + ": epoch " + epochs + " after " + lastEpoch);
            lastEpoch = epochs;
        }
        Path resumed = dir.resolve("resumed.cnnw");
        Run finish = run(command("--checkpoint", checkpoints.toString(), "--resume", "--save", resumed.toString()));
        assertEquals(0, finish.exit(), finish.err());
        assertTrue(finish.out().contains("Resuming from " + checkpoint + " after epoch " + lastEpoch + "/" + EPOCHS),
                finish.out());
        List<float[]> expected = parameters(reference);
        List<float[]> actual = parameters(resumed);
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), "parameter " + i + " after " + KILLS + " kills and a resume");
        }
        assertEquals(EPOCHS, WeightsFile.read(checkpoint).training().epochsDone());
        System.out.printf("KillDuringCheckpointTest: %d kills (%d while a checkpoint was being written), resumed from "
                + "epoch %d of %d to bit-identical weights; %d temporary files left behind%n", KILLS, landedMidWrite,
                lastEpoch, EPOCHS, temporaryFiles(checkpoints).size());
        assertTrue(landedMidWrite >= 2, "only " + landedMidWrite + " kills landed during a write: the test does not test "
                + "what it says");
    }

    /** Epochs done according to the checkpoint, 0 if there is none yet; a half-written file would fail here. */
    private static int epochsDone(Path checkpoint) throws IOException {
        return Files.exists(checkpoint) ? WeightsFile.read(checkpoint).training().epochsDone() : 0;
    }

    // ---------------------------------------------------------------------------------------------
    // Writes that fail

    @Test
    void aFullDiskStopsTrainingWithAClearErrorAndThePreviousCheckpointIntact() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh for ulimit");
        Path checkpoints = dir.resolve("ckpt");
        Path checkpoint = checkpoints.resolve(TrainCommand.CHECKPOINT_FILE);
        List<String> first = command("--checkpoint", checkpoints.toString());
        first.set(first.indexOf("--epochs") + 1, "2");
        Run ok = run(first);
        assertEquals(0, ok.exit(), ok.err());
        byte[] before = Files.readAllBytes(checkpoint);
        assertTrue(before.length > 4096, "the checkpoint must be larger than the limit below: " + before.length);

        // A file size limit of 4 KiB, with SIGXFSZ ignored: every write beyond it fails with EFBIG, as on a full disk.
        List<String> resume = command("--checkpoint", checkpoints.toString(), "--resume");
        resume.set(resume.indexOf("--epochs") + 1, "3");
        StringBuilder shell = new StringBuilder("trap '' XFSZ; ulimit -f 8; exec");
        for (String arg : resume) {
            shell.append(" '").append(arg.replace("'", "'\\''")).append('\'');
        }
        Run full = run(List.of("/bin/sh", "-c", shell.toString()));
        assertNotEquals(0, full.exit(), full.out());
        assertTrue(full.err().contains("cannot write " + checkpoint), full.err());
        assertTrue(full.err().contains("the previous file is intact"), full.err());
        assertArrayEquals(before, Files.readAllBytes(checkpoint), "the previous checkpoint is untouched");
        assertEquals(List.of(), temporaryFiles(checkpoints), "the failed write's temporary file is removed");
        assertEquals(2, WeightsFile.read(checkpoint).training().epochsDone());
    }

    @Test
    void aCheckpointDirectoryThatCannotBeCreatedIsAClearError() throws Exception {
        Path blocker = dir.resolve("not-a-directory");
        Files.writeString(blocker, "a regular file");
        Run r = run(command("--checkpoint", blocker.resolve("ckpt").toString()));
        assertNotEquals(0, r.exit());
        assertTrue(r.err().contains("cannot write " + blocker.resolve("ckpt").resolve(TrainCommand.CHECKPOINT_FILE)),
                r.err());
        assertEquals("a regular file", Files.readString(blocker));
    }

    @Test
    void anImmutableCheckpointDirectoryKeepsThePreviousCheckpoint() throws Exception {
        Path checkpoints = dir.resolve("ckpt");
        Path checkpoint = checkpoints.resolve(TrainCommand.CHECKPOINT_FILE);
        List<String> first = command("--checkpoint", checkpoints.toString());
        first.set(first.indexOf("--epochs") + 1, "1");
        assertEquals(0, run(first).exit());
        byte[] before = Files.readAllBytes(checkpoint);
        // root ignores permissions, not the immutable attribute
        assumeTrue(new ProcessBuilder("chattr", "+i", checkpoints.toString()).start().waitFor() == 0,
                "chattr +i is not available here");
        try {
            List<String> resume = command("--checkpoint", checkpoints.toString(), "--resume");
            resume.set(resume.indexOf("--epochs") + 1, "2");
            Run r = run(resume);
            assertNotEquals(0, r.exit());
            assertTrue(r.err().contains("cannot write " + checkpoint), r.err());
            assertTrue(r.err().contains("the previous file is intact"), r.err());
        } finally {
            new ProcessBuilder("chattr", "-i", checkpoints.toString()).start().waitFor();
        }
        assertArrayEquals(before, Files.readAllBytes(checkpoint));
    }

    /**
     * A failed checkpoint write is the user's disk, not a bug in cnnc: it should be reported as a
     * usage error (exit 2) without "internal error". Today TrainCommand lets the IOException reach
     * Main's handler, which prints "cnnc: internal error: java.io.IOException: ..." and exits 3.
     */
    @Test
    void aFailedCheckpointWriteIsNotCalledAnInternalError() throws Exception {
        Path blocker = dir.resolve("not-a-directory");
        Files.writeString(blocker, "a regular file");
        Run r = run(command("--checkpoint", blocker.resolve("ckpt").toString()));
        assertEquals(2, r.exit(), r.err());
        assertTrue(!r.err().contains("internal error"), r.err());
        assertTrue(r.err().startsWith("cnnc: cannot write "), r.err());
        assertTrue(new String(Files.readAllBytes(blocker), StandardCharsets.UTF_8).equals("a regular file"));
    }
}
