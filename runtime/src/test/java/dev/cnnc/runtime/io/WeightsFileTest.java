package dev.cnnc.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightsFileTest {
    @TempDir
    Path dir;

    private static FakeNetwork net() {
        return new FakeNetwork("Net", new int[] {3, 3, 1, 2}, new int[] {2});
    }

    private static WeightsFile.OptimizerState optimizer() {
        return new WeightsFile.OptimizerState("RMSprop(lr=0.001)", 938, List.of(new float[] {1, 2}, new float[] {3}));
    }

    private static WeightsFile.TrainingState training() {
        Map<String, List<Double>> h = new LinkedHashMap<>();
        h.put("loss", List.of(0.5, 0.25));
        h.put("acc", List.of(0.9, 0.95));
        return new WeightsFile.TrainingState(2, 42, 64, h);
    }

    private Path saved() throws IOException {
        Path f = dir.resolve("w.cnnw");
        WeightsFile.save(f, net(), optimizer(), training());
        return f;
    }

    private String loadError(Path f) {
        return assertThrows(WeightsFormatException.class, () -> WeightsFile.load(f, net())).getMessage();
    }

    @Test
    void classNamesRoundTripAndAFileWithoutThemHasNone() throws IOException {
        Path f = dir.resolve("named.cnnw");
        WeightsFile.save(f, net(), null, null, List.of("cat", "dög", "zebra"));
        assertEquals(List.of("cat", "dög", "zebra"), WeightsFile.load(f, net()).classNames());
        assertNull(WeightsFile.load(saved(), net()).classNames());
        // the section is optional and after TRAN: without it, the bytes are those of a file saved without names
        Path plain = dir.resolve("plain.cnnw");
        WeightsFile.save(plain, net(), optimizer(), training(), null);
        assertArrayEquals(Files.readAllBytes(saved()), Files.readAllBytes(plain));
    }

    @Test
    void roundTripsParametersOptimizerAndTrainingState() throws IOException {
        Path f = saved();
        FakeNetwork target = net();
        for (var p : target.parameters()) {
            Arrays.fill(p.values(), 0f);
        }
        WeightsFile.Contents c = WeightsFile.load(f, target);
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(net().parameters().get(i).values(), target.parameters().get(i).values());
        }
        assertEquals(938, c.optimizer().iterations());
        assertEquals("RMSprop(lr=0.001)", c.optimizer().name());
        assertArrayEquals(new float[] {1, 2}, c.optimizer().slots().get(0));
        assertEquals(2, c.training().epochsDone());
        assertEquals(42, c.training().seed());
        assertEquals(64, c.training().batchSize());
        assertEquals(List.of(0.9, 0.95), c.training().history().get("acc"));
    }

    @Test
    void weightsOnlyFilesHaveNoOptimizerOrTrainingState() throws IOException {
        Path f = dir.resolve("w.cnnw");
        WeightsFile.save(f, net(), null, null);
        WeightsFile.Contents c = WeightsFile.load(f, net());
        assertNull(c.optimizer());
        assertNull(c.training());
    }

    @Test
    void savingTheSameTwiceGivesTheSameBytes() throws IOException {
        Path a = saved();
        Path b = dir.resolve("b.cnnw");
        WeightsFile.save(b, net(), optimizer(), training());
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    }

    @Test
    void truncationAtEverySectionIsReportedAsTruncation() throws IOException {
        byte[] full = Files.readAllBytes(saved());
        int[] cuts = {0, 4, 10, 14, 30, 60, 100, full.length / 2, full.length - 40, full.length - 1};
        for (int cut : cuts) {
            Path f = dir.resolve("cut" + cut);
            Files.write(f, Arrays.copyOf(full, cut));
            String msg = loadError(f);
            assertTrue(msg.startsWith(f + ": "), msg);
            assertTrue(msg.contains("truncated") || (cut == 0 && msg.contains("not a cnnc weights file")), cut + ": " + msg);
            assertTrue(!msg.contains("checksum does not match"), cut + ": a cut file is reported as cut, not as damaged");
        }
    }

    @Test
    void aFlippedByteAnywhereIsCaught() throws IOException {
        byte[] full = Files.readAllBytes(saved());
        for (int i = 0; i < full.length; i += 7) {
            byte[] bad = full.clone();
            bad[i] ^= 0x10;
            Path f = dir.resolve("flip" + i);
            Files.write(f, bad);
            String msg = loadError(f);
            assertTrue(msg.contains("checksum") || msg.contains("not a cnnc weights file"), i + ": " + msg);
        }
    }

    @Test
    void aFlippedByteInTheValuesSaysTheChecksumDoesNotMatch() throws IOException {
        byte[] full = Files.readAllBytes(saved());
        full[full.length / 2] ^= 1;
        Path f = dir.resolve("flip");
        Files.write(f, full);
        assertEquals(f + ": corrupt: the checksum does not match (a damaged or altered file)", loadError(f));
    }

    @Test
    void anotherModelsWeightsAreRefusedWithTheDifference() throws IOException {
        Path f = saved();
        FakeNetwork other = new FakeNetwork("Net", new int[] {5, 5, 1, 2}, new int[] {2});
        String msg = assertThrows(WeightsFormatException.class, () -> WeightsFile.load(f, other)).getMessage();
        assertEquals(f + ": the weights are for another architecture:\n"
                + "  the file has:    layer_0/kernel 3 3 1 2\n"
                + "  the model needs: layer_0/kernel 5 5 1 2", msg);
    }

    @Test
    void aNewerFormatVersionIsRefused() throws IOException {
        byte[] full = Files.readAllBytes(saved());
        ByteBuffer.wrap(full).putInt(8, 3);
        // as a newer cnnc would write it: with a valid checksum
        System.arraycopy(WeightsFile.sha256(full, full.length - 44), 0, full, full.length - 32, 32);
        Path f = dir.resolve("v3");
        Files.write(f, full);
        assertEquals(f + ": format version 3 is not readable by this cnnc, which reads versions 1 to 2; it was written by a newer cnnc",
                loadError(f));
    }

    @Test
    void aFileOfAnotherKindIsRefused() throws IOException {
        Path f = dir.resolve("image.png");
        Files.write(f, new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0});
        assertEquals(f + ": not a cnnc weights file (no CNNCWGT header)", loadError(f));
        assertEquals(dir.resolve("none") + ": no such file", loadError(dir.resolve("none")));
    }

    @Test
    void aFailedWriteLeavesThePreviousFileIntact() throws IOException {
        Path f = saved();
        byte[] before = Files.readAllBytes(f);
        Path dirAsFile = dir.resolve("w.cnnw/child.cnnw"); // its parent is a regular file: cannot be written
        IOException e = assertThrows(IOException.class, () -> WeightsFile.save(dirAsFile, net(), null, null));
        assertTrue(e.getMessage().startsWith("cannot write " + dirAsFile), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(f));
        try (var s = Files.list(dir)) {
            assertEquals(List.of(f), s.toList(), "no temporary file is left behind");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Version 2: trainable flags; version 1 still loads

    /** A version 1 file as cnnc 0.1 wrote it: ARCH, PARM and END, no KIND section. */
    static byte[] versionOne(String architecture, float[]... tensors) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
        out.write(WeightsFile.MAGIC);
        out.writeInt(1);
        byte[] arch = architecture.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeBytes("ARCH");
        out.writeLong(arch.length);
        out.write(arch);
        int n = Arrays.stream(tensors).mapToInt(t -> t.length).sum();
        out.writeBytes("PARM");
        out.writeLong(4L * n);
        for (float[] t : tensors) {
            for (float v : t) {
                out.writeFloat(v);
            }
        }
        out.flush();
        byte[] body = bytes.toByteArray();
        out.writeBytes("END ");
        out.writeLong(32);
        out.write(WeightsFile.sha256(body, body.length));
        return bytes.toByteArray();
    }

    @Test
    void aVersionOneFileLoadsWithEveryTensorTrainable() throws IOException {
        float[] kernel = new float[18];
        for (int i = 0; i < kernel.length; i++) {
            kernel[i] = i * 0.5f - 3;
        }
        float[] bias = {7, -8};
        Path f = dir.resolve("v1.cnnw");
        Files.write(f, versionOne("model Net\ninput 4\nlayer_0/kernel 3 3 1 2\nlayer_1/kernel 2\n", kernel, bias));
        FakeNetwork target = net();
        WeightsFile.Contents c = WeightsFile.load(f, target);
        assertEquals(1, c.version());
        assertEquals(List.of(true, true), c.trainable());
        assertArrayEquals(kernel, target.parameters().get(0).values());
        assertArrayEquals(bias, target.parameters().get(1).values());
        assertNull(c.optimizer());
    }

    @Test
    void versionTwoRecordsWhichTensorsAreStateAndLoadsThemWithTheWeights() throws IOException {
        FakeNetwork withState = new FakeNetwork("Net", new boolean[] {false, true}, new int[] {3, 3, 1, 2}, new int[] {2});
        Path f = dir.resolve("state.cnnw");
        WeightsFile.save(f, withState, null, null);
        WeightsFile.Contents c = WeightsFile.read(f);
        assertEquals(WeightsFile.VERSION, c.version());
        assertEquals(List.of(true, false), c.trainable());
        FakeNetwork target = new FakeNetwork("Net", new boolean[] {false, true}, new int[] {3, 3, 1, 2}, new int[] {2});
        Arrays.fill(target.parameters().get(1).values(), 0f);
        WeightsFile.load(f, target);
        assertArrayEquals(withState.parameters().get(1).values(), target.parameters().get(1).values());
        // The same names and shapes with the tensor trainable: the flag alone makes it another architecture.
        String msg = assertThrows(WeightsFormatException.class, () -> WeightsFile.load(f, net())).getMessage();
        assertEquals(f + ": the weights are for another architecture:\n"
                + "  the file has:    layer_1/kernel (non-trainable state)\n"
                + "  the model needs: layer_1/kernel (trainable)", msg);
    }
}
