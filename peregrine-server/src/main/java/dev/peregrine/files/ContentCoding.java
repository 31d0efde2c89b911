package dev.peregrine.files;

/**
 * The content codings a static file may be sent in (RFC 9110 §8.4.1), in the server's order
 * of preference: when the client weighs several equally, the first one here wins. Brotli and
 * zstd beat gzip on size for text; identity comes last because it is the fallback, not a choice.
 */
enum ContentCoding {

    /** Brotli (RFC 7932), precompressed sidecars {@code x.br} only: too slow to do per request. */
    BR("br", ".br"),
    /** Zstandard (RFC 8878), precompressed sidecars {@code x.zst} only: the JDK has no encoder. */
    ZSTD("zstd", ".zst"),
    /** gzip (RFC 1952): a sidecar {@code x.gz}, or compressed on the fly by {@link GzipCache}. */
    GZIP("gzip", ".gz"),
    /** No coding: the file's own bytes. */
    IDENTITY("identity", null);

    /** {@link #values()} without the copy {@code values()} makes on every call. */
    static final ContentCoding[] PREFERENCE = values();

    private final String token;
    private final String sidecarSuffix;

    ContentCoding(String token, String sidecarSuffix) {
        this.token = token;
        this.sidecarSuffix = sidecarSuffix;
    }

    /** The token as sent in {@code Content-Encoding}, lower case. */
    String token() {
        return token;
    }

    /** What a precompressed copy appends to the file name, e.g. {@code .br}; {@code null} for identity. */
    String sidecarSuffix() {
        return sidecarSuffix;
    }

    /** The bit for this coding in the masks {@link AcceptEncoding#select(int)} takes. */
    int bit() {
        return 1 << ordinal();
    }

    /**
     * The entity tag of this coding's representation, given the identity one's. Each coding
     * is a different representation with different bytes, so a strong tag must differ per
     * coding (RFC 9110 §8.8.3): {@code "tag"} becomes {@code "tag-gzip"}, {@code W/"tag"}
     * becomes {@code W/"tag-gzip"}, and identity keeps the tag as it is.
     *
     * <p>Evaluate If-None-Match, If-Match and If-Range against the tag of the representation
     * that was <em>selected</em> for this request: then a cached gzip copy revalidates (304)
     * only when gzip is chosen again, and never vouches for the identity or brotli bytes.
     * (Apache's mod_deflate once added {@code -gzip} to the sent tag but compared the bare
     * one, so conditional requests for the compressed copy never matched.)
     *
     * @param identityTag a quoted entity tag, optionally {@code W/}-prefixed
     */
    String etag(String identityTag) {
        if (this == IDENTITY) {
            return identityTag;
        }
        int close = identityTag.length() - 1;
        if (close < 1 || identityTag.charAt(close) != '"') {
            throw new IllegalArgumentException("not an entity tag: " + identityTag);
        }
        return identityTag.substring(0, close) + "-" + token + "\"";
    }
}
