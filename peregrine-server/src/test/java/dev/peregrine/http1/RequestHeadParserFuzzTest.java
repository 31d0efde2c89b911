package dev.peregrine.http1;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.peregrine.api.Headers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Fuzz test of {@link RequestHeadParser} (RFC 9112 §2-§6); see docs/fuzzing.md. Without
 * {@code JAZZER_FUZZ} it replays the seeds under {@code RequestHeadParserFuzzTestInputs/}.
 */
class RequestHeadParserFuzzTest {

    // Small limits, so that the fuzzer reaches the 414 and 431 checks with short inputs.
    static final int MAX_LINE = 256;
    static final int MAX_HEADERS = 1024;
    static final int MAX_COUNT = 16;
    static final int MAX_HEADS = 8;
    static final int GUARD = 8;

    /** A parsed head, as comparable text; or the status a parse failed with (then {@code head} is null). */
    record Parsed(int consumed, String head, int status) {}

    /**
     * Arbitrary bytes as one or more pipelined request heads: only {@link HttpParseException} with
     * one of its documented statuses is thrown; the parser reads only {@code buf[start, end)};
     * whole and resumed parses agree, even when the caller moves the unconsumed bytes between
     * calls; every head accepted is well formed and ends with CRLF CRLF; and writing an accepted
     * head back out as a request parses to the same head.
     */
    @FuzzTest
    void arbitraryBytes(byte[] input) {
        List<Parsed> whole = inOneBuffer(input, (byte) '\n');
        assertThat(inOneBuffer(input, (byte) ':')).as("the bytes around the input changed the outcome")
                .isEqualTo(whole);
        assertThat(resumed(input, new Random(Arrays.hashCode(input)))).as("resumed in pieces").isEqualTo(whole);
        int at = 0;
        for (Parsed p : whole) {
            if (p.head() != null) {
                assertThat(latin1(input, at + p.consumed() - 4, 4)).as("end of head").isEqualTo("\r\n\r\n");
                assertThat(reparse(p.head())).as("written back and parsed again").isEqualTo(p.head());
                at += p.consumed();
            }
        }
    }

    /** Parses the pipelined heads of {@code input}, all of it available, set among guard bytes. */
    static List<Parsed> inOneBuffer(byte[] input, byte guard) {
        byte[] buf = new byte[input.length + 2 * GUARD];
        Arrays.fill(buf, guard);
        System.arraycopy(input, 0, buf, GUARD, input.length);
        byte[] before = buf.clone();
        RequestHeadParser parser = new RequestHeadParser(MAX_LINE, MAX_HEADERS, MAX_COUNT);
        RequestHead head = new RequestHead();
        List<Parsed> heads = new ArrayList<>();
        int start = GUARD;
        int end = GUARD + input.length;
        while (heads.size() < MAX_HEADS) {
            try {
                int n = parser.parse(buf, start, end, head);
                assertThat(n).as("consumed").isBetween(0, end - start);
                if (n == 0) {
                    break;
                }
                heads.add(new Parsed(n, describe(head), 0));
                start += n;
            } catch (HttpParseException e) {
                heads.add(failed(e));
                break;
            }
        }
        assertThat(buf).as("the input was written to").isEqualTo(before);
        return heads;
    }

    /**
     * The same, but the bytes arrive in random pieces, and before each call the unconsumed bytes
     * are moved to a fresh array at a random offset, as a caller that compacts its buffer does.
     */
    static List<Parsed> resumed(byte[] input, Random random) {
        RequestHeadParser parser = new RequestHeadParser(MAX_LINE, MAX_HEADERS, MAX_COUNT);
        RequestHead head = new RequestHead();
        List<Parsed> heads = new ArrayList<>();
        int consumed = 0; // of input
        int available = 0;
        while (heads.size() < MAX_HEADS) {
            available = Math.min(input.length, available + 1 + random.nextInt(24));
            int offset = random.nextInt(GUARD);
            byte[] buf = new byte[offset + available - consumed + random.nextInt(GUARD)];
            Arrays.fill(buf, (byte) random.nextInt(256));
            System.arraycopy(input, consumed, buf, offset, available - consumed);
            try {
                int n = parser.parse(buf, offset, offset + available - consumed, head);
                if (n > 0) {
                    heads.add(new Parsed(n, describe(head), 0));
                    consumed += n;
                } else if (available == input.length) {
                    break;
                }
            } catch (HttpParseException e) {
                heads.add(failed(e));
                break;
            }
        }
        return heads;
    }

    static Parsed failed(HttpParseException e) {
        assertThat(e.status()).as("status of %s", e).isIn(400, 414, 431, 501, 505);
        return new Parsed(0, null, e.status());
    }

    /**
     * Checks the invariants of an accepted head and returns it as text: the request-line with the
     * minor version, then the fields as received (names lower-cased, values trimmed), then the
     * framing facts.
     */
    static String describe(RequestHead h) {
        assertThat(h.method()).as("method").isNotEmpty().matches("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");
        assertThat(h.target()).as("target").isNotEmpty().matches("[\\x21-\\x7e]+");
        assertThat(h.minorVersion()).as("minor version").isIn(0, 1);
        assertThat(h.contentLength()).as("content-length").isGreaterThanOrEqualTo(-1);
        if (h.chunked()) {
            assertThat(h.contentLength()).as("chunked has no length").isEqualTo(-1);
            assertThat(h.minorVersion()).as("chunked is HTTP/1.1 only").isEqualTo(1);
        }
        if (h.minorVersion() == 1) {
            assertThat(h.host()).as("HTTP/1.1 needs Host").isNotNull();
        }
        checkFraming(h);
        StringBuilder sb = new StringBuilder();
        sb.append(h.method()).append(' ').append(h.target()).append(" HTTP/1.").append(h.minorVersion()).append("\r\n");
        h.headers().forEach((name, value) -> {
            assertThat(name).as("name").matches("[!#$%&'*+\\-.^_`|~0-9a-z]+");
            assertThat(value).as("value of %s", name).doesNotContain("\r", "\n", "\0")
                    .doesNotStartWith(" ").doesNotStartWith("\t").doesNotEndWith(" ").doesNotEndWith("\t");
            sb.append(name).append(": ").append(value).append("\r\n");
        });
        sb.append("\r\n");
        sb.append("# length=").append(h.contentLength()).append(" chunked=").append(h.chunked())
                .append(" keepAlive=").append(h.keepAlive()).append(" continue=").append(h.expectContinue())
                .append(" upgrade=").append(h.upgrade()).append(" host=").append(h.host());
        return sb.toString();
    }

    /**
     * The framing facts of an accepted head follow from its fields as RFC 9112 says, with none
     * of the ambiguities requests are smuggled through: never both Content-Length and
     * Transfer-Encoding (§6.1), at most one Content-Length (§6.3) and Host (§3.2), and
     * Transfer-Encoding only as exactly {@code chunked} (§6.1, §7: we decode no other coding).
     */
    static void checkFraming(RequestHead h) {
        Headers fields = h.headers();
        int lengths = fields.count("content-length");
        int encodings = fields.count("transfer-encoding");
        assertThat(lengths > 0 && encodings > 0).as("Content-Length with Transfer-Encoding").isFalse();
        assertThat(lengths).as("Content-Length fields").isLessThanOrEqualTo(1);
        assertThat(fields.count("host")).as("Host fields").isLessThanOrEqualTo(1);
        assertThat(h.host()).isEqualTo(fields.get("host"));
        if (encodings > 0) {
            assertThat(elements(fields, "transfer-encoding")).as("codings").containsExactly("chunked");
            assertThat(h.chunked()).isTrue();
        } else {
            assertThat(h.chunked()).isFalse();
            assertThat(h.contentLength()).isEqualTo(lengths == 0 ? -1 : Long.parseLong(fields.get("content-length")));
        }
        List<String> connection = elements(fields, "connection");
        boolean http11 = h.minorVersion() == 1;
        assertThat(h.keepAlive()).as("keep-alive (§9.3)")
                .isEqualTo(!connection.contains("close") && (http11 || connection.contains("keep-alive")));
        assertThat(h.expectContinue()).as("100-continue (RFC 9110 §10.1.1)")
                .isEqualTo(http11 && elements(fields, "expect").contains("100-continue"));
        List<String> upgrades = fields.getAll("upgrade");
        assertThat(h.upgrade()).as("Upgrade (RFC 9110 §7.8)").isEqualTo(
                connection.contains("upgrade") && !upgrades.isEmpty() ? String.join(", ", upgrades) : null);
    }

    /** The non-empty elements of every {@code name} field's comma-separated list, lower-cased. */
    static List<String> elements(Headers fields, String name) {
        List<String> elements = new ArrayList<>();
        for (String value : fields.getAll(name)) {
            for (String e : value.split(",", -1)) {
                String t = e.strip().toLowerCase(java.util.Locale.ROOT);
                if (!t.isEmpty()) {
                    elements.add(t);
                }
            }
        }
        return elements;
    }

    /** Parses the request part of a {@link #describe} text again, with a fresh parser. */
    static String reparse(String described) {
        byte[] request = described.substring(0, described.indexOf("\r\n\r\n") + 4).getBytes(ISO_8859_1);
        // "name:value" comes back as "name: value": one more byte per field line.
        RequestHeadParser parser = new RequestHeadParser(MAX_LINE, MAX_HEADERS + MAX_COUNT, MAX_COUNT);
        RequestHead head = new RequestHead();
        assertThat(parser.parse(request, 0, request.length, head)).isEqualTo(request.length);
        return describe(head);
    }

    static String latin1(byte[] b, int off, int len) {
        return new String(b, off, len, ISO_8859_1);
    }
}
