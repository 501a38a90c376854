package dev.cnnc.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What WeightsFileTest leaves out: a cut at every section boundary, every single flipped byte, and
 * files that are well formed on the outside (a valid checksum, as a buggy writer or a hand-made file
 * would have) but wrong inside: each gets its own message, and no count in the file can make the
 * reader allocate more than the file holds.
 */
class WeightsFileRobustnessTest {
    @TempDir
    Path dir;

    private static final String TRAILER_MISSING = "truncated or damaged: the checksum that ends every weights file is missing";

    private static FakeNetwork net() {
        return new FakeNetwork("Net", new int[] {3, 3, 1, 2}, new int[] {2});
    }

    private byte[] checkpoint() throws IOException {
        Map<String, List<Double>> history = new LinkedHashMap<>();
        history.put("loss", List.of(0.5, 0.25));
        return WeightsFile.encode(net(), new WeightsFile.OptimizerState("RMSprop(lr=0.001)", 12,
                List.of(new float[18], new float[2])), new WeightsFile.TrainingState(2, 42, 64, history));
    }

    private String error(byte[] content) throws IOException {
        Path f = dir.resolve("w" + System.nanoTime() + ".cnnw");
        Files.write(f, content);
        String message = assertThrows(WeightsFormatException.class, () -> WeightsFile.load(f, net())).getMessage();
        assertTrue(message.startsWith(f + ": "), message);
        return message.substring(f.toString().length() + 2);
    }

    /** Start offsets of the sections (after the 12-byte header), and the end of the last. */
    private static List<Integer> sectionStarts(byte[] file) {
        List<Integer> starts = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(file);
        int at = 12;
        while (at < file.length) {
            starts.add(at);
            at += 12 + (int) b.getLong(at + 4);
        }
        return starts;
    }

    @Test
    void aCutAtEverySectionBoundaryAndInsideEverySectionIsReportedAsTruncation() throws IOException {
        byte[] full = checkpoint();
        List<Integer> starts = sectionStarts(full);
        assertEquals(6, starts.size(), "ARCH, PARM, KIND, OPTM, TRAN, END");
        List<Integer> cuts = new ArrayList<>(List.of(0, 3, 8, 11, 12));
        for (int i = 0; i < starts.size(); i++) {
            int start = starts.get(i);
            int end = i + 1 < starts.size() ? starts.get(i + 1) : full.length;
            cuts.addAll(List.of(start, start + 2, start + 4, start + 11, start + 12, (start + 12 + end) / 2, end - 1));
        }
        for (int cut : cuts) {
            if (cut >= full.length) {
                continue;
            }
            String message = error(Arrays.copyOf(full, cut));
            String expected = cut < 8 ? "truncated: the file ends inside its header"
                    : cut < 56 ? "truncated: the file is " + cut + " bytes, too short for a weights file"
                    : TRAILER_MISSING;
            assertEquals(expected, message, "cut at " + cut);
        }
    }

    @Test
    void everySingleFlippedByteIsCaught() throws IOException {
        byte[] full = checkpoint();
        int trailer = full.length - 44;
        for (int i = 0; i < full.length; i++) {
            byte[] bad = full.clone();
            bad[i] ^= (byte) (1 << (i % 8));
            String message = error(bad);
            String expected = i < 8 ? "not a cnnc weights file (no CNNCWGT header)"
                    : i >= trailer && i < trailer + 12 ? TRAILER_MISSING
                    : "corrupt: the checksum does not match (a damaged or altered file)";
            assertEquals(expected, message, "byte " + i);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Files with a valid checksum and a bad inside

    /** A file of these sections, with a correct header and checksum. */
    private static byte[] file(int version, Object... tagsAndPayloads) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(WeightsFile.MAGIC);
        out.writeInt(version);
        for (int i = 0; i < tagsAndPayloads.length; i += 2) {
            byte[] payload = (byte[]) tagsAndPayloads[i + 1];
            out.write(((String) tagsAndPayloads[i]).getBytes(StandardCharsets.US_ASCII));
            out.writeLong(payload.length);
            out.write(payload);
        }
        return sealed(bytes.toByteArray());
    }

    /** {@code body} with the END section a writer would add. */
    private static byte[] sealed(byte[] body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(body);
        out.write("END ".getBytes(StandardCharsets.US_ASCII));
        out.writeLong(32);
        out.write(WeightsFile.sha256(body, body.length));
        return bytes.toByteArray();
    }

    private static byte[] arch(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static final String ARCH = WeightsFile.architecture(net());

    private static byte[] floats(int n) {
        return new byte[4 * n];
    }

    private static byte[] bytes(Writer w) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        w.write(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    @Test
    void aWellSealedFileWithTheRightSectionsLoads() throws IOException {
        Path f = dir.resolve("ok.cnnw");
        Files.write(f, file(1, "ARCH", arch(ARCH), "XTRA", new byte[] {1, 2, 3}, "PARM", floats(20)));
        WeightsFile.Contents c = WeightsFile.load(f, net());
        assertArrayEquals(new float[18], c.parameters().get(0), "an unknown section is skipped");
    }

    @Test
    void sectionStructure() throws IOException {
        assertEquals("corrupt: the PARM section is missing", error(file(1, "ARCH", arch(ARCH))));
        assertEquals("corrupt: the ARCH section is missing", error(file(1, "PARM", floats(20))));
        assertEquals("corrupt: section ARCH appears twice", error(file(1, "ARCH", arch(ARCH), "ARCH", arch(ARCH),
                "PARM", floats(20))));
        byte[] lying = bytes(out -> {
            out.write(WeightsFile.MAGIC);
            out.writeInt(1);
            out.write("PARM".getBytes(StandardCharsets.US_ASCII));
            out.writeLong(1000);
            out.write(new byte[8]);
        });
        assertEquals("corrupt: section PARM claims 1000 bytes, 8 remain", error(sealed(lying)));
        byte[] cutHeader = bytes(out -> {
            out.write(WeightsFile.MAGIC);
            out.writeInt(1);
            out.write("PAR".getBytes(StandardCharsets.US_ASCII));
        });
        assertEquals("corrupt: a section header is cut short", error(sealed(cutHeader)));
        byte[] negative = bytes(out -> {
            out.write(WeightsFile.MAGIC);
            out.writeInt(1);
            out.write("PARM".getBytes(StandardCharsets.US_ASCII));
            out.writeLong(-4);
        });
        assertEquals("corrupt: section PARM claims -4 bytes, 0 remain", error(sealed(negative)));
    }

    @Test
    void versions() throws IOException {
        assertEquals("format version 0 is not readable by this cnnc, which reads versions 1 to 2", error(file(0, "ARCH",
                arch(ARCH), "PARM", floats(20))));
        assertEquals("format version -1 is not readable by this cnnc, which reads versions 1 to 2", error(file(-1)));
        assertEquals("format version 2147483647 is not readable by this cnnc, which reads versions 1 to 2; it was written by a "
                + "newer cnnc", error(file(Integer.MAX_VALUE)));
    }

    @Test
    void parameterValuesThatDoNotMatchTheArchitecture() throws IOException {
        assertEquals("corrupt: PARM holds 19 values, the architecture needs 20 or more", error(file(1, "ARCH", arch(ARCH),
                "PARM", floats(19))));
        assertEquals("corrupt: PARM holds more values than the architecture needs", error(file(1, "ARCH", arch(ARCH),
                "PARM", floats(21))));
        assertEquals("corrupt: PARM holds more values than the architecture needs", error(file(1, "ARCH", arch(ARCH),
                "PARM", new byte[82])));
    }

    @Test
    void architectureLinesThatNoParameterHas() throws IOException {
        String head = "model Net\ninput 4\n";
        assertEquals("corrupt: the ARCH section is malformed", error(file(1, "ARCH", arch(head + "w x 2\n"), "PARM",
                floats(2))));
        assertEquals("corrupt: the ARCH section gives 'w' the shape 0 2, which no parameter has",
                error(file(1, "ARCH", arch(head + "w 0 2\n"), "PARM", floats(0))));
        assertEquals("corrupt: the ARCH section gives 'w' the shape -1 -1, which no parameter has",
                error(file(1, "ARCH", arch(head + "w -1 -1\n"), "PARM", floats(1))));
        // 2^61 * 4 bytes overflows a long to 0: it must not pass for an empty parameter
        assertEquals("corrupt: the ARCH section gives 'w' the shape 2305843009213693952, which no parameter has",
                error(file(1, "ARCH", arch(head + "w 2305843009213693952\n"), "PARM", floats(0))));
        assertEquals("corrupt: the ARCH section gives 'w' the shape 65536 65536, which no parameter has",
                error(file(1, "ARCH", arch(head + "w 65536 65536\n"), "PARM", floats(0))));
        assertEquals("corrupt: the ARCH section gives 'a\\u0007b' the shape 0, which no parameter has".replace("\\u0007", "?"),
                error(file(1, "ARCH", arch(head + "a\u0007b 0\n"), "PARM", floats(0))));
    }

    @Test
    void hugeCountsInTheOptimizerAndTrainingSectionsAllocateNothing() throws IOException {
        byte[] parm = floats(20);
        byte[] slot = bytes(out -> {
            out.writeInt(4);
            out.write("Adam".getBytes(StandardCharsets.US_ASCII));
            out.writeLong(1);
            out.writeInt(1);
            out.writeInt(Integer.MAX_VALUE); // a slot of 2^31 - 1 floats, 8 GiB
        });
        byte[] name = bytes(out -> out.writeInt(Integer.MAX_VALUE - 16)); // a 2 GiB name
        byte[] negative = bytes(out -> {
            out.writeInt(4);
            out.write("Adam".getBytes(StandardCharsets.US_ASCII));
            out.writeLong(1);
            out.writeInt(1);
            out.writeInt(-5);
        });
        byte[] metric = bytes(out -> {
            out.writeInt(1);
            out.writeLong(1);
            out.writeInt(32);
            out.writeInt(1);
            out.writeInt(Integer.MAX_VALUE - 16);
        });
        long allocated = allocatedBytesDuring(() -> {
            assertEquals("corrupt: the OPTM section is malformed", error(file(1, "ARCH", arch(ARCH), "PARM", parm,
                    "OPTM", slot)));
            assertEquals("corrupt: the OPTM section is malformed", error(file(1, "ARCH", arch(ARCH), "PARM", parm,
                    "OPTM", name)));
            assertEquals("corrupt: the OPTM section is malformed", error(file(1, "ARCH", arch(ARCH), "PARM", parm,
                    "OPTM", negative)));
            assertEquals("corrupt: the TRAN section is malformed", error(file(1, "ARCH", arch(ARCH), "PARM", parm,
                    "TRAN", metric)));
        });
        assertTrue(allocated < 64L << 20, "allocated " + allocated + " bytes for files of a few hundred");
    }

    @Test
    void anotherModelsWeightsNameTheFirstDifference() throws IOException {
        Path f = dir.resolve("w.cnnw");
        Files.write(f, checkpoint());
        assertEquals(f + ": the weights are for another architecture:\n  the file has:    model Net\n"
                + "  the model needs: model Other", assertThrows(WeightsFormatException.class,
                        () -> WeightsFile.load(f, new FakeNetwork("Other", new int[] {3, 3, 1, 2}, new int[] {2})))
                .getMessage());
        assertEquals(f + ": the weights are for another architecture:\n  the file has:    (nothing)\n"
                + "  the model needs: layer_2/kernel 5", assertThrows(WeightsFormatException.class,
                        () -> WeightsFile.load(f, new FakeNetwork("Net", new int[] {3, 3, 1, 2}, new int[] {2},
                                new int[] {5}))).getMessage());
    }

    private interface Action {
        void run() throws IOException;
    }

    /** The bytes the current thread allocates while running {@code action}. */
    private static long allocatedBytesDuring(Action action) throws IOException {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "allocation counting unsupported");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        action.run();
        return threads.getThreadAllocatedBytes(id) - before;
    }
}
