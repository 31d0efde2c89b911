package dev.peregrine.http1;

import dev.peregrine.transport.Connection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/** The raw streams an {@link dev.peregrine.api.Upgraded} protocol gets after a 101. */
final class UpgradedStreams {

    private UpgradedStreams() {}

    /** Raw output after a 101: writes go straight to the transport. */
    static final class Output extends OutputStream {
        private final Connection transport;

        Output(Connection transport) {
            this.transport = transport;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            transport.write(ByteBuffer.wrap(b, off, len));
        }

        @Override
        public void close() throws IOException {
            transport.shutdownOutput();
        }
    }

    /** Raw input after a 101: bytes already buffered first, then the transport. */
    static final class Input extends InputStream {
        private final Http1Connection c;
        private final byte[] one = new byte[1];

        Input(Http1Connection c) {
            this.c = c;
        }

        @Override
        public int read() throws IOException {
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (c.buffered() > 0) {
                return c.takeBuffered(b, off, len);
            }
            return c.transport().read(ByteBuffer.wrap(b, off, len));
        }
    }
}
