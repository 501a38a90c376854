package dev.cnnc.runtime.data;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** A tiny ustar writer for building test archives byte by byte. */
public final class TarWriter {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Adds a regular file. */
    public TarWriter file(String name, byte[] data) {
        return entry(name, "", '0', data);
    }

    /** Adds a regular file whose path is split into the ustar prefix and name fields. */
    public TarWriter fileWithPrefix(String prefix, String name, byte[] data) {
        return entry(name, prefix, '0', data);
    }

    /** Adds a directory entry. */
    public TarWriter directory(String name) {
        return entry(name, "", '5', new byte[0]);
    }

    /** Adds a symbolic-link-like entry of another type, with data that must be skipped. */
    public TarWriter other(String name, char type, byte[] data) {
        return entry(name, "", type, data);
    }

    /** Adds a file whose real name is carried by a preceding pax extended header. */
    public TarWriter paxFile(String longName, byte[] data) {
        byte[] record = (" path=" + longName + "\n").getBytes(StandardCharsets.UTF_8);
        int digits = 1;
        while (String.valueOf(digits + record.length).length() != digits) {
            digits++;
        }
        byte[] line = ((digits + record.length) + new String(record, StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);
        entry("PaxHeaders/x", "", 'x', line);
        return entry("truncated-name", "", '0', data);
    }

    /** Adds a file whose real name is carried by a preceding GNU long-name entry. */
    public TarWriter gnuLongNameFile(String longName, byte[] data) {
        entry("././@LongLink", "", 'L', (longName + "\0").getBytes(StandardCharsets.UTF_8));
        return entry("short", "", '0', data);
    }

    /** Adds an entry: a header block, then the data padded to a multiple of 512 bytes. */
    public TarWriter entry(String name, String prefix, char type, byte[] data) {
        out.writeBytes(header(name, prefix, type, data.length));
        out.writeBytes(data);
        out.writeBytes(new byte[(512 - data.length % 512) % 512]);
        return this;
    }

    /** Returns the archive with its two terminating zero blocks. */
    public byte[] finish() {
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    /** Returns the archive without terminating zero blocks, as some writers leave it. */
    public byte[] finishWithoutEndBlocks() {
        return out.toByteArray();
    }

    public static byte[] header(String name, String prefix, char type, long size) {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, "0000644");
        put(h, 108, "0001750");
        put(h, 116, "0001750");
        put(h, 124, String.format("%011o", size));
        put(h, 136, "14541236732");
        h[156] = (byte) type;
        put(h, 257, "ustar");
        put(h, 263, "00");
        put(h, 345, prefix);
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        int sum = 0;
        for (byte b : h) {
            sum += b & 0xFF;
        }
        put(h, 148, String.format("%06o", sum));
        h[154] = 0;
        h[155] = ' ';
        return h;
    }

    private static void put(byte[] h, int offset, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(bytes, 0, h, offset, bytes.length);
    }
}
