package dev.cnnc.runtime.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/** Reads of large files and streams in pieces, for every reader of data and weights. */
public final class ChunkedReads {

    /**
     * The largest single read {@link #readFully} asks of a stream. A file channel's stream ({@code
     * Files.newInputStream}) reads into a heap array through a temporary direct buffer as large as the request,
     * and the JDK keeps that buffer for the thread: one read of MNIST's training images cost 45 MB of native
     * memory for the rest of the process.
     */
    public static final int READ_CHUNK = 1 << 20;

    private ChunkedReads() {
    }

    /**
     * Reads up to {@code len} bytes into {@code b} from {@code off}, in reads of at most {@link #READ_CHUNK}
     * bytes, until {@code len} bytes arrived or the stream ended.
     *
     * @return the number of bytes read: {@code len} unless the stream ended first
     */
    public static int readFully(InputStream in, byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        int filled = 0;
        while (filled < len) {
            int n = in.read(b, off + filled, Math.min(len - filled, READ_CHUNK));
            if (n < 0) {
                break;
            }
            filled += n;
        }
        return filled;
    }

    /**
     * Reads a whole file into one array, as {@link Files#readAllBytes} does but in reads of at most {@link
     * #READ_CHUNK} bytes (see there), so that reading a large file leaves no native buffer of its size behind.
     *
     * @throws IOException also if the file changed its length while it was read
     */
    public static byte[] readAllBytes(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            long size = Files.size(file);
            if (size > Integer.MAX_VALUE - 8) {
                throw new IOException(file + " is larger than 2 GB, more than one Java array can hold");
            }
            byte[] data = new byte[(int) size];
            int n = readFully(in, data, 0, data.length);
            if (n < data.length || in.read() >= 0) {
                throw new IOException(file + " changed its length while it was read");
            }
            return data;
        }
    }
}
