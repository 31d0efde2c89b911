package dev.peregrine.cli;

import dev.peregrine.api.ForwardingResponse;
import dev.peregrine.api.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A response that adds the live-reload script to an HTML body ({@link ScriptInjection}): just
 * before the last {@code </body>}, or at the end when there is none. Only a 200 whose
 * {@code Content-Type} is {@code text/html} (and not content-coded) is changed; everything else
 * passes straight through, files by their zero-copy route.
 *
 * <p>A page is buffered whole (it is read from the file, or collected from {@link #body()}) so
 * that it goes out with a correct {@code Content-Length}. The tag has a fixed length, so a
 * {@code HEAD}, which declares a length and writes nothing, gets the length the {@code GET}
 * would send without reading the file. A page larger than {@link ScriptInjection#MAX_PAGE_BYTES}
 * is sent unchanged, with its file's own tag.
 */
final class InjectingResponse extends ForwardingResponse {

    private enum Mode { UNDECIDED, PASS, INJECT }

    private static final byte[] BODY_END = "</body".getBytes(StandardCharsets.US_ASCII);

    /** Whether the request was for a page, so a 304 without a Content-Type is a page's too. */
    private final boolean page;
    private Mode mode = Mode.UNDECIDED;
    private byte[] tag;
    private long declaredLength = -1;
    private Collector collector;
    private boolean sent;

    InjectingResponse(Response delegate, boolean page) {
        super(delegate);
        this.page = page;
    }

    @Override
    public Response contentLength(long length) {
        if (decide() == Mode.INJECT && length > ScriptInjection.MAX_PAGE_BYTES) {
            mode = Mode.PASS;
        }
        if (mode == Mode.INJECT) {
            declaredLength = length; // the page's own; the script's is added when it is sent
        } else {
            delegate().contentLength(length);
        }
        return this;
    }

    @Override
    public OutputStream body() {
        if (decide() != Mode.INJECT) {
            return delegate().body();
        }
        if (collector == null) {
            collector = new Collector();
        }
        return collector;
    }

    @Override
    public void sendFile(FileChannel file, long position, long count) throws IOException {
        if (decide() == Mode.INJECT && count > ScriptInjection.MAX_PAGE_BYTES) {
            mode = Mode.PASS;
        }
        if (mode != Mode.INJECT) {
            delegate().sendFile(file, position, count);
            return;
        }
        ByteArrayOutputStream page = new ByteArrayOutputStream((int) count);
        Response.copyFileRegion(file, position, count, page);
        sendPage(page.toByteArray());
    }

    /** Called once the handler returned: sends what is still held back. */
    void finish() throws IOException {
        if (sent) {
            return;
        }
        if (mode == Mode.UNDECIDED && page && status() == 304) {
            suffixTag(); // a 304 for a page confirms the client's copy: the page's tag, not the file's
            return;
        }
        if (decide() != Mode.INJECT) {
            return;
        }
        if (collector != null) {
            sendPage(collector.toByteArray());
        } else if (declaredLength >= 0) {
            sent = true; // a HEAD: the length the page would have, and no body
            prepareHeaders();
            delegate().contentLength(declaredLength + tag.length);
        } else {
            sendPage(new byte[0]);
        }
    }

    /** Decides once, when the status and headers are set: at the first body call. */
    private Mode decide() {
        if (mode != Mode.UNDECIDED) {
            return mode;
        }
        mode = Mode.PASS;
        String type = headers().get("content-type");
        if (status() == 200 && type != null && type.toLowerCase(Locale.ROOT).startsWith("text/html")
                && !headers().contains("content-encoding") && !isCommitted()) {
            ScriptPolicy policy = ScriptPolicy.forResponse(headers());
            if (policy != null) {
                policy.apply(headers());
                tag = policy.tag().getBytes(StandardCharsets.UTF_8);
                mode = Mode.INJECT;
            }
        }
        return mode;
    }

    private void sendPage(byte[] original) throws IOException {
        sent = true;
        byte[] page = inject(original, tag);
        prepareHeaders();
        delegate().contentLength(page.length);
        try (OutputStream out = delegate().body()) {
            out.write(page);
        }
    }

    private void prepareHeaders() {
        suffixTag();
        headers().remove("accept-ranges"); // ranges of the page are not served
    }

    private void suffixTag() {
        String etag = headers().get("etag");
        if (etag != null) {
            String page = ScriptInjection.withSuffix(etag);
            if (page == null) {
                headers().remove("etag");
            } else {
                headers().set("etag", page);
            }
        }
    }

    /** {@code page} with {@code tag} before its last {@code </body} (any case), or at the end. */
    static byte[] inject(byte[] page, byte[] tag) {
        int at = lastBodyEnd(page);
        if (at < 0) {
            at = page.length;
        }
        byte[] out = new byte[page.length + tag.length];
        System.arraycopy(page, 0, out, 0, at);
        System.arraycopy(tag, 0, out, at, tag.length);
        System.arraycopy(page, at, out, at + tag.length, page.length - at);
        return out;
    }

    private static int lastBodyEnd(byte[] page) {
        outer:
        for (int i = page.length - BODY_END.length; i >= 0; i--) {
            for (int j = 0; j < BODY_END.length; j++) {
                int b = page[i + j];
                if (b >= 'A' && b <= 'Z') {
                    b += 'a' - 'A';
                }
                if (b != BODY_END[j]) {
                    continue outer;
                }
            }
            int after = i + BODY_END.length;
            if (after == page.length || page[after] == '>' || page[after] == ' ' || page[after] == '\t'
                    || page[after] == '\n' || page[after] == '\r' || page[after] == '/') {
                return i;
            }
        }
        return -1;
    }

    /** The page as the handler writes it; closing it sends it with the script. */
    private final class Collector extends ByteArrayOutputStream {
        private boolean closed;

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                if (!sent) {
                    sendPage(toByteArray());
                }
            }
        }
    }
}
