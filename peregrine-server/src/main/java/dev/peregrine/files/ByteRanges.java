package dev.peregrine.files;

import java.util.List;

/**
 * What a {@code Range} header asks of a representation when the answer may be a
 * {@code multipart/byteranges} 206 (RFC 9110 §14.6): one of the {@link ByteRange} answers, or
 * {@link Parts}. See {@link ByteRange#parseMultiple}. A switch over this type covers
 * {@link ByteRange.Whole}, {@link ByteRange.Part}, {@link ByteRange.Unsatisfiable} and
 * {@link Parts}; {@link ByteRange} alone stays the single-range answer.
 */
sealed interface ByteRanges permits ByteRange, ByteRanges.Parts {

    /**
     * Two or more disjoint parts to send as {@code multipart/byteranges}, in the order to send
     * them (see {@link ByteRange#parseMultiple}); write them with {@link MultipartByteRanges}.
     */
    record Parts(List<ByteRange.Part> parts) implements ByteRanges {
        public Parts {
            parts = List.copyOf(parts);
            if (parts.size() < 2) {
                // §14.6: a single range is never sent as multipart
                throw new IllegalArgumentException("a multipart answer has at least two parts: " + parts);
            }
        }
    }
}
