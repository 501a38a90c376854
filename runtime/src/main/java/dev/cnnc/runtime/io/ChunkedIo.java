package dev.cnnc.runtime.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/** Reads and writes of large files in pieces, for every reader and writer of data and weights. */
public final class ChunkedIo {

    /**
     * The largest single read or write asked of a file. A file channel (and its stream, {@code
     * Files.newInputStream}) reads into or writes from a heap array through a temporary direct buffer as large as
     * the request, and the JDK keeps that buffer for the thread: one read of MNIST's training images cost 45 MB
     * of native memory for the rest of the process.
     */
    public static final int CHUNK = 1 << 20;

    private ChunkedIo() {
    }

    /**
     * Reads up to {@code len} bytes into {@code b} from {@code off}, in reads of at most {@link #CHUNK}
     * bytes, until {@code len} bytes arrived or the stream ended.
     *
     * @return the number of bytes read: {@code len} unless the stream ended first
     */
    public static int readFully(InputStream in, byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        int filled = 0;
        while (filled < len) {
            int n = in.read(b, off + filled, Math.min(len - filled, CHUNK));
            if (n < 0) {
                break;
            }
            filled += n;
        }
        return filled;
    }

    /**
     * Reads a whole file into one array, as {@link Files#readAllBytes} does but in reads of at most {@link
     * #CHUNK} bytes (see there), so that reading a large file leaves no native buffer of its size behind.
     *
     * The size is the opened file's, not the path's: a file replaced by an atomic rename while it is read
     * (a checkpoint written beside a reader) is read whole as it was when opened.
     *
     * @throws IOException also if the file changed its length while it was read
     */
    public static byte[] readAllBytes(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                InputStream in = Channels.newInputStream(channel)) {
            long size = channel.size();
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

    /** Writes all of {@code content} to {@code channel} at its position, in writes of at most {@link #CHUNK}. */
    public static void write(FileChannel channel, byte[] content) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
            buffer.limit(Math.min(content.length, buffer.position() + CHUNK));
            channel.write(buffer);
            buffer.limit(content.length);
        }
    }
}
