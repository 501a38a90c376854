package dev.cnnc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TarReaderTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Reads every regular file of an archive into a name-to-content map. */
    private static Map<String, byte[]> readAll(byte[] archive) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        TarReader.read(new ByteArrayInputStream(archive), (name, size, content) -> {
            byte[] data = content.readAllBytes();
            assertEquals(size, data.length, "declared size of " + name);
            files.put(name, data);
        });
        return files;
    }

    @Test
    void readsRegularFilesInOrderAndSkipsDirectories() throws IOException {
        byte[] big = new byte[1300];
        Arrays.fill(big, (byte) 'z');
        byte[] archive = new TarWriter()
                .directory("package/")
                .file("package/package.json", bytes("{\"name\":\"x\"}"))
                .directory("package/data/")
                .file("package/data/big", big)
                .file("package/empty", new byte[0])
                .finish();

        Map<String, byte[]> files = readAll(archive);

        assertEquals(List.of("package/package.json", "package/data/big", "package/empty"),
                List.copyOf(files.keySet()));
        assertArrayEquals(bytes("{\"name\":\"x\"}"), files.get("package/package.json"));
        assertArrayEquals(big, files.get("package/data/big"));
        assertEquals(0, files.get("package/empty").length);
    }

    @Test
    void handlesDataThatExactlyFillsBlocks() throws IOException {
        byte[] exact = new byte[1024];
        Arrays.fill(exact, (byte) 1);
        byte[] archive = new TarWriter().file("a", exact).file("b", bytes("after")).finish();

        Map<String, byte[]> files = readAll(archive);

        assertArrayEquals(exact, files.get("a"));
        assertArrayEquals(bytes("after"), files.get("b"));
    }

    @Test
    void skipsWhatTheHandlerDoesNotRead() throws IOException {
        byte[] archive = new TarWriter()
                .file("first", bytes("0123456789"))
                .other("link", '2', new byte[0])
                .other("fifo-with-data", '6', new byte[700])
                .file("second", bytes("second!"))
                .finish();
        Map<String, String> seen = new LinkedHashMap<>();

        TarReader.read(new ByteArrayInputStream(archive), (name, size, content) -> {
            byte[] head = content.readNBytes(3);
            seen.put(name, new String(head, StandardCharsets.UTF_8));
        });

        assertEquals(Map.of("first", "012", "second", "sec"), seen);
    }

    @Test
    void joinsUstarPrefixAndName() throws IOException {
        byte[] archive = new TarWriter().fileWithPrefix("package/data", "file.bin", bytes("x")).finish();

        assertEquals(List.of("package/data/file.bin"), List.copyOf(readAll(archive).keySet()));
    }

    @Test
    void honoursPaxAndGnuLongNames() throws IOException {
        String longName = "package/" + "d".repeat(150) + "/file";
        byte[] archive = new TarWriter()
                .paxFile(longName, bytes("pax"))
                .gnuLongNameFile(longName + "2", bytes("gnu"))
                .file("plain", bytes("p"))
                .finish();

        Map<String, byte[]> files = readAll(archive);

        assertEquals(List.of(longName, longName + "2", "plain"), List.copyOf(files.keySet()));
        assertArrayEquals(bytes("pax"), files.get(longName));
        assertArrayEquals(bytes("gnu"), files.get(longName + "2"));
    }

    @Test
    void acceptsArchiveWithoutEndBlocks() throws IOException {
        byte[] archive = new TarWriter().file("only", bytes("data")).finishWithoutEndBlocks();

        assertArrayEquals(bytes("data"), readAll(archive).get("only"));
    }

    @Test
    void rejectsNonTarDataByChecksum() {
        byte[] notTar = new byte[1024];
        Arrays.fill(notTar, 0, 600, (byte) 'A');

        IOException e = assertThrows(IOException.class, () -> readAll(notTar));

        assertTrue(e.getMessage().contains("not a valid tar archive"), e.getMessage());
    }

    @Test
    void rejectsCorruptedHeader() {
        byte[] archive = new TarWriter().file("package/data/x", bytes("data")).finish();
        archive[5] ^= 0x20; // flip a bit in the name: the checksum no longer matches

        IOException e = assertThrows(IOException.class, () -> readAll(archive));

        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
    }

    @Test
    void rejectsTruncatedData() {
        byte[] archive = new TarWriter().file("package/data/x", new byte[2000]).finish();
        byte[] truncated = Arrays.copyOf(archive, 512 + 1000);

        IOException e = assertThrows(IOException.class, () -> readAll(truncated));

        assertTrue(e.getMessage().contains("truncated tar archive"), e.getMessage());
        assertTrue(e.getMessage().contains("package/data/x"), e.getMessage());
    }

    @Test
    void rejectsTruncatedHeader() {
        byte[] archive = new TarWriter().file("a", bytes("x")).finish();
        byte[] truncated = Arrays.copyOf(archive, 1024 + 100);

        IOException e = assertThrows(IOException.class, () -> readAll(truncated));

        assertTrue(e.getMessage().contains("header block has only 100 of 512 bytes"), e.getMessage());
    }

    @Test
    void parsesOctalAndBinarySizes() throws IOException {
        byte[] header = TarWriter.header("f", "", '0', 0);
        byte[] size = bytes("   17777777777");
        System.arraycopy(size, 3, header, 124, 11);
        header[135] = 0;
        assertEquals(017777777777L, TarReader.parseSize(header, "f"));

        Arrays.fill(header, 124, 136, (byte) 0);
        header[124] = (byte) 0x80;
        header[131] = 0x02; // 2 << 32: a 8 GiB entry
        assertEquals(2L << 32, TarReader.parseSize(header, "f"));
    }

    @Test
    void paxParserFindsPathAmongOtherRecords() throws IOException {
        byte[] records = bytes("20 mtime=1234567890\n20 path=a/long/name\n");

        assertEquals("a/long/name", TarReader.paxPath(records));
        assertEquals(null, TarReader.paxPath(bytes("20 mtime=1234567890\n")));
        assertThrows(IOException.class, () -> TarReader.paxPath(bytes("99 path=x\n")));
    }
}
