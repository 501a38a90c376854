package dev.cnnc.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The runtime prints to {@link PrintStream}s, picocli's injected streams are {@link PrintWriter}s: this
 * bridges them, so that commands write to {@code Main.run}'s streams and never to {@code System.out}.
 */
final class PrintStreams {
    private PrintStreams() {}

    /** A UTF-8 print stream into {@code writer}, flushed on every print (progress bars redraw in place). */
    static PrintStream of(PrintWriter writer) {
        return new PrintStream(new WriterOutputStream(writer), true, StandardCharsets.UTF_8);
    }

    /** Decodes UTF-8 bytes into a writer, keeping a character cut between two writes for the next one. */
    private static final class WriterOutputStream extends OutputStream {
        private final PrintWriter writer;
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        private final ByteBuffer pending = ByteBuffer.allocate(8192);
        private final CharBuffer chars = CharBuffer.allocate(8192);

        WriterOutputStream(PrintWriter writer) {
            this.writer = writer;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            while (len > 0) {
                int n = Math.min(len, pending.remaining());
                pending.put(b, off, n);
                off += n;
                len -= n;
                drain();
            }
        }

        private void drain() {
            pending.flip();
            while (true) {
                boolean overflow = decoder.decode(pending, chars, false).isOverflow();
                chars.flip();
                writer.append(chars);
                chars.clear();
                if (!overflow) {
                    break;
                }
            }
            pending.compact();
        }

        @Override
        public void flush() {
            writer.flush();
        }
    }
}
