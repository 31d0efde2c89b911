package dev.peregrine.http1;

import static dev.peregrine.http1.FieldLineParser.QDTEXT;
import static dev.peregrine.http1.FieldLineParser.TCHAR;
import static dev.peregrine.http1.FieldLineParser.is;
import static dev.peregrine.http1.FieldLineParser.isOws;
import static dev.peregrine.http1.HttpParseException.badRequest;

import dev.peregrine.api.Headers;
import java.util.Arrays;
import java.util.Objects;

/**
 * Sans-IO decoder of the chunked transfer coding (RFC 9112 §7.1):
 *
 * <pre>
 *   chunked-body   = *chunk last-chunk trailer-section CRLF
 *   chunk          = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
 *   chunk-size     = 1*HEXDIG
 *   last-chunk     = 1*("0") [ chunk-ext ] CRLF
 *   chunk-ext      = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
 *   chunk-ext-val  = token / quoted-string
 * </pre>
 *
 * <p>Input may be split at any byte: the chunk line is parsed one byte at a time by a state
 * machine, chunk data is copied in bulk straight to the caller's array (nothing is allocated on
 * the data path), and the rare trailer section is buffered a line at a time. Chunk extensions
 * are validated and dropped; nobody may rely on them (RFC 9112 §7.1.1).
 *
 * <p>After an {@link HttpParseException} the body framing is lost: the connection must close.
 */
public final class ChunkedDecoder {

    /**
     * Where the decoder is in the chunked body. The chunk line is read one byte per step
     * (BWS = SP / HTAB); any byte without an arrow is a 400.
     *
     * <pre>
     *   SIZE         --HEXDIG-->  SIZE        --BWS-->    SIZE_WS      --";"-->  EXT_NAME_WS
     *   SIZE         --";"---->   EXT_NAME_WS             SIZE_WS      --BWS-->  SIZE_WS
     *   EXT_NAME_WS  --BWS---->   EXT_NAME_WS --tchar-->  EXT_NAME
     *   EXT_NAME     --tchar-->   EXT_NAME    --"="-->    EXT_VALUE_WS
     *   EXT_NAME     --BWS---->   EXT_WS  (which may still see "=" -> EXT_VALUE_WS)
     *   EXT_VALUE_WS --BWS---->   EXT_VALUE_WS --tchar--> EXT_TOKEN    --DQUOTE--> EXT_QUOTED
     *   EXT_TOKEN    --tchar-->   EXT_TOKEN   --BWS-->    EXT_WS
     *   EXT_QUOTED   --qdtext->   EXT_QUOTED  --"\"-->    EXT_QUOTED_PAIR --field byte--> EXT_QUOTED
     *   EXT_QUOTED   --DQUOTE->   EXT_AFTER_QUOTED        --BWS-->  EXT_WS
     *   EXT_WS       --BWS---->   EXT_WS
     *   EXT_NAME, EXT_TOKEN, EXT_AFTER_QUOTED, EXT_WS  --";"-->  EXT_NAME_WS
     *   SIZE, EXT_NAME, EXT_TOKEN, EXT_AFTER_QUOTED    --CR--->  SIZE_LF
     *
     *   SIZE_LF --LF, size &gt; 0--> DATA --size bytes--> DATA_CR --CR--> DATA_LF --LF--> SIZE
     *   SIZE_LF --LF, size = 0--> TRAILER --field line CRLF--> TRAILER --CRLF--> DONE
     * </pre>
     */
    private enum State {
        SIZE, SIZE_WS, EXT_NAME_WS, EXT_NAME, EXT_WS, EXT_VALUE_WS, EXT_TOKEN, EXT_QUOTED,
        EXT_QUOTED_PAIR, EXT_AFTER_QUOTED, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER, DONE
    }

    /* 16 hex digits fill a long; more (even leading zeros) is not a size anyone sends. */
    private static final int MAX_SIZE_DIGITS = 16;

    private final int maxChunkLineBytes;
    private final int maxTrailerBytes;
    private final int maxTrailerCount;

    private State state = State.SIZE;
    private long size;          // the chunk-size being read, then the data bytes left in the chunk
    private int digits;
    private int lineBytes;
    private boolean extWsAfterName; // EXT_WS may still see "=" only after an extension name
    private int produced;

    private FieldLineParser trailerParser; // created on the first trailer field
    private Headers trailers;
    private byte[] line;                   // the trailer line being assembled
    private int lineLen;
    private int trailerBytes;
    private int trailerCount;

    /**
     * @param maxChunkLineBytes longest chunk-size line with extensions, CRLF excluded; beyond it 400
     * @param maxTrailerBytes largest trailer section (field lines with their CRLFs, the final
     *     empty line excluded); beyond it 431
     * @param maxTrailerCount most trailer fields; beyond it 431
     */
    public ChunkedDecoder(int maxChunkLineBytes, int maxTrailerBytes, int maxTrailerCount) {
        if (maxChunkLineBytes <= 0 || maxTrailerBytes < 0 || maxTrailerCount < 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
        this.maxChunkLineBytes = maxChunkLineBytes;
        this.maxTrailerBytes = maxTrailerBytes;
        this.maxTrailerCount = maxTrailerCount;
    }

    /**
     * Decodes from {@code src[pos, limit)}, writing chunk data to {@code dst[off, off + len)}.
     * Stops when the input is used up, when {@code dst} is full and more data follows, or when
     * the body is done; control bytes are still consumed while {@code dst} is full.
     *
     * @return how many bytes of {@code src} were consumed; see {@link #produced()} for output
     * @throws HttpParseException 400 on malformed framing, 431 on a trailer section over limits
     */
    public int decode(byte[] src, int pos, int limit, byte[] dst, int off, int len) {
        Objects.checkFromToIndex(pos, limit, src.length);
        Objects.checkFromIndexSize(off, len, dst.length);
        int p = pos;
        int w = off;
        int wEnd = off + len;
        loop:
        while (p < limit) {
            switch (state) {
                case DATA -> {
                    int n = (int) Math.min(size, Math.min(limit - p, wEnd - w));
                    if (n == 0) {
                        break loop; // dst is full
                    }
                    System.arraycopy(src, p, dst, w, n);
                    p += n;
                    w += n;
                    size -= n;
                    if (size == 0) {
                        state = State.DATA_CR;
                    }
                }
                case DATA_CR -> {
                    if (src[p++] != '\r') {
                        throw badRequest("chunk data not followed by CRLF (RFC 9112 §7.1)");
                    }
                    state = State.DATA_LF;
                }
                case DATA_LF -> {
                    if (src[p++] != '\n') {
                        throw badRequest("chunk data not followed by CRLF (RFC 9112 §7.1)");
                    }
                    state = State.SIZE;
                    size = 0;
                    digits = 0;
                    lineBytes = 0;
                }
                case TRAILER -> p = trailer(src, p, limit);
                case DONE -> {
                    break loop;
                }
                default -> chunkLine(src[p++]);
            }
        }
        produced = w - off;
        return p - pos;
    }

    /** How many bytes the last {@link #decode} call wrote to {@code dst}. */
    public int produced() {
        return produced;
    }

    /** Whether the last-chunk and the trailer section have been consumed. */
    public boolean isDone() {
        return state == State.DONE;
    }

    /** The trailer fields, names lower-cased; complete once {@link #isDone()}. Valid until {@link #reset()}. */
    public Headers trailers() {
        if (trailers == null) {
            trailers = new Headers(4);
        }
        return trailers;
    }

    /** Prepares for the next chunked body. */
    public void reset() {
        state = State.SIZE;
        size = 0;
        digits = 0;
        lineBytes = 0;
        produced = 0;
        lineLen = 0;
        trailerBytes = 0;
        trailerCount = 0;
        if (trailers != null) {
            trailers.clear();
        }
        if (line != null && line.length > 256) {
            line = null; // a large trailer line buffer is not worth keeping
        }
    }

    // ---- chunk-size line, one byte at a time ----

    private void chunkLine(byte b) {
        if (b != '\r' && state != State.SIZE_LF && ++lineBytes > maxChunkLineBytes) {
            throw badRequest("chunk line too long");
        }
        state = switch (state) {
            case SIZE -> {
                int hex = hexValue(b);
                if (hex >= 0) {
                    if (++digits > MAX_SIZE_DIGITS || size > (Long.MAX_VALUE >>> 4)) {
                        throw badRequest("chunk-size too large (RFC 9112 §7.1)");
                    }
                    size = (size << 4) | hex;
                    yield State.SIZE;
                }
                if (digits == 0) {
                    throw badRequest("missing chunk-size (RFC 9112 §7.1)");
                }
                yield switch (b) {
                    case ' ', '\t' -> State.SIZE_WS;
                    case ';' -> State.EXT_NAME_WS;
                    case '\r' -> State.SIZE_LF;
                    default -> throw badRequest("invalid chunk-size (RFC 9112 §7.1)");
                };
            }
            case SIZE_WS -> switch (b) {
                case ' ', '\t' -> State.SIZE_WS;
                case ';' -> State.EXT_NAME_WS;
                default -> throw badRequest("whitespace after chunk-size not followed by ';' (RFC 9112 §7.1.1)");
            };
            case EXT_NAME_WS -> {
                if (isOws(b)) {
                    yield State.EXT_NAME_WS;
                }
                if (is(b, TCHAR)) {
                    yield State.EXT_NAME;
                }
                throw badRequest("invalid chunk-ext-name (RFC 9112 §7.1.1)");
            }
            case EXT_NAME -> {
                if (is(b, TCHAR)) {
                    yield State.EXT_NAME;
                }
                yield switch (b) {
                    case ' ', '\t' -> {
                        extWsAfterName = true;
                        yield State.EXT_WS;
                    }
                    case '=' -> State.EXT_VALUE_WS;
                    case ';' -> State.EXT_NAME_WS;
                    case '\r' -> State.SIZE_LF;
                    default -> throw badRequest("invalid chunk-ext-name (RFC 9112 §7.1.1)");
                };
            }
            case EXT_WS -> switch (b) {
                case ' ', '\t' -> State.EXT_WS;
                case ';' -> State.EXT_NAME_WS;
                case '=' -> {
                    if (!extWsAfterName) {
                        throw badRequest("malformed chunk-ext (RFC 9112 §7.1.1)");
                    }
                    yield State.EXT_VALUE_WS;
                }
                default -> throw badRequest("malformed chunk-ext (RFC 9112 §7.1.1)");
            };
            case EXT_VALUE_WS -> {
                if (isOws(b)) {
                    yield State.EXT_VALUE_WS;
                }
                if (b == '"') {
                    yield State.EXT_QUOTED;
                }
                if (is(b, TCHAR)) {
                    yield State.EXT_TOKEN;
                }
                throw badRequest("invalid chunk-ext-val (RFC 9112 §7.1.1)");
            }
            case EXT_TOKEN -> {
                if (is(b, TCHAR)) {
                    yield State.EXT_TOKEN;
                }
                yield switch (b) {
                    case ' ', '\t' -> {
                        extWsAfterName = false;
                        yield State.EXT_WS;
                    }
                    case ';' -> State.EXT_NAME_WS;
                    case '\r' -> State.SIZE_LF;
                    default -> throw badRequest("invalid chunk-ext-val (RFC 9112 §7.1.1)");
                };
            }
            case EXT_QUOTED -> {
                if (b == '"') {
                    yield State.EXT_AFTER_QUOTED;
                }
                if (b == '\\') {
                    yield State.EXT_QUOTED_PAIR;
                }
                if (is(b, QDTEXT)) {
                    yield State.EXT_QUOTED;
                }
                throw badRequest("invalid quoted-string in chunk-ext (RFC 9110 §5.6.4)");
            }
            case EXT_QUOTED_PAIR -> {
                // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text ), the same bytes as a field value
                if (is(b, FieldLineParser.FIELD)) {
                    yield State.EXT_QUOTED;
                }
                throw badRequest("invalid quoted-pair in chunk-ext (RFC 9110 §5.6.4)");
            }
            case EXT_AFTER_QUOTED -> switch (b) {
                case ' ', '\t' -> {
                    extWsAfterName = false;
                    yield State.EXT_WS;
                }
                case ';' -> State.EXT_NAME_WS;
                case '\r' -> State.SIZE_LF;
                default -> throw badRequest("malformed chunk-ext (RFC 9112 §7.1.1)");
            };
            case SIZE_LF -> {
                if (b != '\n') {
                    throw badRequest("bare CR in chunk line (RFC 9112 §2.2)");
                }
                yield size == 0 ? State.TRAILER : State.DATA;
            }
            default -> throw new IllegalStateException(state.name());
        };
    }

    private static int hexValue(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        int l = b | 0x20;
        return l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
    }

    // ---- trailer section (RFC 9112 §7.1.2), a line at a time ----

    private int trailer(byte[] src, int p, int limit) {
        // The budget lets the field lines reach maxTrailerBytes and still be followed by CRLF.
        long budget = (long) maxTrailerBytes + 2 - trailerBytes;
        int stop = (int) Math.min(limit, p + budget);
        int lf = p;
        while (lf < stop && src[lf] != '\n') {
            lf++;
        }
        int end = lf < stop ? lf + 1 : stop;
        append(src, p, end);
        trailerBytes += end - p;
        if (lf == stop) {
            if (stop < limit) {
                throw HttpParseException.headersTooLarge("trailer section too large");
            }
            return end;
        }
        if (lineLen < 2 || line[lineLen - 2] != '\r') {
            throw badRequest("bare LF in trailer section (RFC 9112 §2.2)");
        }
        if (lineLen == 2) {
            state = State.DONE;
        } else {
            if (trailerBytes > maxTrailerBytes) {
                throw HttpParseException.headersTooLarge("trailer section too large");
            }
            if (++trailerCount > maxTrailerCount) {
                throw HttpParseException.headersTooLarge("too many trailer fields");
            }
            if (trailerParser == null) {
                trailerParser = new FieldLineParser(false);
            }
            trailerParser.parse(line, 0, lineLen - 2, trailers());
        }
        lineLen = 0;
        return end;
    }

    private void append(byte[] src, int from, int to) {
        int n = to - from;
        if (line == null || line.length - lineLen < n) {
            int cap = line == null ? 64 : line.length * 2;
            line = Arrays.copyOf(line == null ? new byte[0] : line, Math.max(lineLen + n, cap));
        }
        System.arraycopy(src, from, line, lineLen, n);
        lineLen += n;
    }
}
