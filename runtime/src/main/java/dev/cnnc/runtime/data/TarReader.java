package dev.cnnc.runtime.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A minimal reader for (uncompressed) tar archives in the ustar format, as produced by {@code npm pack}.
 *
 * <p>The archive is a sequence of 512-byte headers, each followed by the entry's data padded to a multiple of
 * 512 bytes, and ends with a zero block. Regular files are handed to an {@link EntryHandler}; directories, links
 * and other entries are skipped. Long names from POSIX pax headers ({@code path=}) and GNU {@code L} entries are
 * honoured. Header checksums are verified, so a file that is not a tar archive is rejected early.
 *
 * <p>Entry names are only passed to the handler as strings; this reader never creates files itself, so it is
 * not exposed to path-traversal tricks in archive names.
 */
public final class TarReader {

    /** Receives the regular files of an archive. */
    @FunctionalInterface
    public interface EntryHandler {
        /**
         * Called once per regular file, in archive order.
         *
         * @param name the entry's full path inside the archive, e.g. {@code package/data/t10k-labels-idx1-ubyte}
         * @param size the number of data bytes
         * @param content the entry's data; reading stops at its end, and closing it does nothing. Whatever the
         *        handler leaves unread is skipped.
         */
        void file(String name, long size, InputStream content) throws IOException;
    }

    static final int BLOCK = 512;
    /** Upper bound for the data of a pax or GNU long-name header, which we hold in memory. */
    private static final int MAX_META_SIZE = 1 << 20;

    private static final int NAME_OFFSET = 0;
    private static final int NAME_LENGTH = 100;
    private static final int SIZE_OFFSET = 124;
    private static final int SIZE_LENGTH = 12;
    private static final int CHECKSUM_OFFSET = 148;
    private static final int CHECKSUM_LENGTH = 8;
    private static final int TYPE_OFFSET = 156;
    private static final int MAGIC_OFFSET = 257;
    private static final int PREFIX_OFFSET = 345;
    private static final int PREFIX_LENGTH = 155;

    private TarReader() {
    }

    /**
     * Reads a tar archive to its end, passing each regular file to {@code handler}.
     *
     * @throws IOException if the archive is malformed or truncated (with a message saying so), or if the handler
     *         fails
     */
    public static void read(InputStream in, EntryHandler handler) throws IOException {
        byte[] header = new byte[BLOCK];
        String longName = null;
        while (readHeader(in, header)) {
            verifyChecksum(header);
            String name = longName != null ? longName : headerName(header);
            longName = null;
            long size = parseSize(header, name);
            switch (header[TYPE_OFFSET]) {
                case '0', 0, '7' -> readFile(in, name, size, handler);
                case 'L' -> longName = trimNul(new String(readMeta(in, name, size), StandardCharsets.UTF_8));
                case 'x' -> longName = paxPath(readMeta(in, name, size));
                default -> skipExactly(in, size, name);
            }
            skipExactly(in, padding(size), name);
        }
    }

    /** Reads the next header block; returns false at the end-of-archive zero block or at a clean end of input. */
    private static boolean readHeader(InputStream in, byte[] header) throws IOException {
        int n = in.readNBytes(header, 0, BLOCK);
        if (n == 0) {
            return false;
        }
        if (n < BLOCK) {
            throw new IOException("truncated tar archive: a header block has only " + n + " of " + BLOCK + " bytes");
        }
        return !isZero(header);
    }

    private static void readFile(InputStream in, String name, long size, EntryHandler handler) throws IOException {
        EntryStream content = new EntryStream(in, size, name);
        handler.file(name, size, content);
        content.skipRest();
    }

    private static byte[] readMeta(InputStream in, String name, long size) throws IOException {
        if (size > MAX_META_SIZE) {
            throw new IOException("malformed tar archive: the extended header before " + name + " claims " + size
                    + " bytes");
        }
        byte[] data = in.readNBytes((int) size);
        if (data.length < size) {
            throw truncated(name, size, data.length);
        }
        return data;
    }

    /** Returns the {@code path} value of pax extended-header records ("LENGTH key=value\n"), or null. */
    static String paxPath(byte[] data) throws IOException {
        String path = null;
        int pos = 0;
        while (pos < data.length) {
            int space = indexOf(data, (byte) ' ', pos);
            int length = space < 0 ? -1 : parseDecimal(data, pos, space);
            if (length <= space - pos || pos + length > data.length) {
                throw new IOException("malformed tar archive: bad pax extended header record at byte " + pos);
            }
            String record = new String(data, space + 1, pos + length - space - 1, StandardCharsets.UTF_8);
            if (record.startsWith("path=")) {
                path = record.substring("path=".length(), record.length() - (record.endsWith("\n") ? 1 : 0));
            }
            pos += length;
        }
        return path;
    }

    private static int parseDecimal(byte[] data, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            if (data[i] < '0' || data[i] > '9' || value > MAX_META_SIZE) {
                return -1;
            }
            value = value * 10 + (data[i] - '0');
        }
        return to > from ? value : -1;
    }

    private static int indexOf(byte[] data, byte b, int from) {
        for (int i = from; i < data.length; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Header fields

    /** Returns the entry name, joining the ustar prefix field and the name field. */
    static String headerName(byte[] header) {
        String name = field(header, NAME_OFFSET, NAME_LENGTH);
        boolean posixUstar = header[MAGIC_OFFSET] == 'u' && header[MAGIC_OFFSET + 5] == 0
                && "ustar".equals(field(header, MAGIC_OFFSET, 5));
        String prefix = posixUstar ? field(header, PREFIX_OFFSET, PREFIX_LENGTH) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    /** Parses the size field: octal text, or base-256 binary if its first byte has the high bit set. */
    static long parseSize(byte[] header, String name) throws IOException {
        long size;
        if ((header[SIZE_OFFSET] & 0x80) != 0) {
            size = parseBase256(header, SIZE_OFFSET, SIZE_LENGTH, name);
        } else {
            size = parseOctal(header, SIZE_OFFSET, SIZE_LENGTH, "size of " + name);
        }
        if (size < 0) {
            throw new IOException("malformed tar archive: negative size " + size + " for " + name);
        }
        return size;
    }

    private static long parseBase256(byte[] header, int offset, int length, String name) throws IOException {
        if ((header[offset] & 0x40) != 0 || header[offset + 1] != 0 || header[offset + 2] != 0
                || header[offset + 3] != 0 || (header[offset + 4] & 0x80) != 0) {
            throw new IOException("malformed tar archive: unsupported binary size for " + name);
        }
        long value = 0;
        for (int i = offset + 4; i < offset + length; i++) {
            value = (value << 8) | (header[i] & 0xFF);
        }
        return value;
    }

    /** Parses an octal number field, which may be padded with leading spaces and ended by a NUL or space. */
    static long parseOctal(byte[] header, int offset, int length, String what) throws IOException {
        int i = offset;
        int end = offset + length;
        while (i < end && (header[i] == ' ' || header[i] == 0)) {
            i++;
        }
        long value = 0;
        int digits = 0;
        for (; i < end && header[i] != 0 && header[i] != ' '; i++) {
            if (header[i] < '0' || header[i] > '7' || digits == 21) {
                throw new IOException("malformed tar archive: bad octal number in the " + what + " field");
            }
            value = value * 8 + (header[i] - '0');
            digits++;
        }
        return value;
    }

    /** Checks the header checksum: the sum of all header bytes with the checksum field counted as spaces. */
    private static void verifyChecksum(byte[] header) throws IOException {
        long stored;
        try {
            stored = parseOctal(header, CHECKSUM_OFFSET, CHECKSUM_LENGTH, "checksum");
        } catch (IOException e) {
            throw new IOException("not a valid tar archive: the header checksum field is not an octal number", e);
        }
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            boolean inField = i >= CHECKSUM_OFFSET && i < CHECKSUM_OFFSET + CHECKSUM_LENGTH;
            byte b = inField ? (byte) ' ' : header[i];
            unsigned += b & 0xFF;
            signed += b;
        }
        if (stored != unsigned && stored != signed) {
            throw new IOException("not a valid tar archive: header checksum mismatch (stored " + stored
                    + ", computed " + unsigned + ")");
        }
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static String trimNul(String s) {
        int end = s.indexOf('\0');
        return end < 0 ? s : s.substring(0, end);
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static long padding(long size) {
        return (BLOCK - size % BLOCK) % BLOCK;
    }

    private static void skipExactly(InputStream in, long n, String name) throws IOException {
        try {
            in.skipNBytes(n);
        } catch (EOFException e) {
            throw new IOException("truncated tar archive: the data of " + name + " end early", e);
        }
    }

    private static IOException truncated(String name, long size, long found) {
        return new IOException("truncated tar archive: " + name + " should have " + size + " bytes but the archive"
                + " ends after " + found);
    }

    /** The data of one entry: ends at the entry's size; close() does not close the archive. */
    private static final class EntryStream extends InputStream {
        private final InputStream in;
        private final long size;
        private final String name;
        private long remaining;

        EntryStream(InputStream in, long size, String name) {
            this.in = in;
            this.size = size;
            this.name = name;
            this.remaining = size;
        }

        @Override
        public int read() throws IOException {
            if (remaining == 0) {
                return -1;
            }
            int b = in.read();
            if (b < 0) {
                throw truncated(name, size, size - remaining);
            }
            remaining--;
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (remaining == 0) {
                return -1;
            }
            int n = in.read(buffer, offset, (int) Math.min(length, remaining));
            if (n < 0) {
                throw truncated(name, size, size - remaining);
            }
            remaining -= n;
            return n;
        }

        void skipRest() throws IOException {
            skipExactly(in, remaining, name);
            remaining = 0;
        }

        @Override
        public void close() {
            // The archive stream belongs to the caller of TarReader.read.
        }
    }
}
