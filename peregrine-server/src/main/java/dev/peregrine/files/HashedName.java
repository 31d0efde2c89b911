package dev.peregrine.files;

/**
 * Whether a file name carries a content hash, as bundlers name their output: webpack's
 * {@code main.3f9a1c2b.js} (hex), Vite's and Rollup's {@code index-BX4kq0Zp.js} (8 base64url
 * characters). Such a name changes whenever the content does, so the file may be cached as
 * immutable. The test is strict to keep look-alikes out: a hex part must mix digits and the
 * letters a-f (so a date like {@code 20241201} is not a hash), a base64url part must mix upper
 * case, lower case and digits.
 */
final class HashedName {

    private HashedName() {}

    static boolean matches(String fileName) {
        int ext = fileName.lastIndexOf('.');
        if (ext <= 0) {
            return false;
        }
        int start = 0;
        for (int i = 0; i <= ext; i++) {
            char c = i == ext ? '.' : fileName.charAt(i);
            if (c == '.' || c == '-' || c == '_') {
                if (start > 0 && isHash(fileName, start, i)) {
                    return true; // a hash after the first part of the name
                }
                start = i + 1;
            }
        }
        return false;
    }

    private static boolean isHash(String s, int from, int to) {
        int len = to - from;
        boolean digit = false;
        boolean hexLetter = false;
        boolean upper = false;
        boolean lower = false;
        boolean onlyHex = true;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                digit = true;
            } else if (c >= 'a' && c <= 'f') {
                hexLetter = true;
                lower = true;
            } else if (c >= 'a' && c <= 'z') {
                lower = true;
                onlyHex = false;
            } else if (c >= 'A' && c <= 'Z') {
                upper = true;
                onlyHex = false;
            } else {
                return false;
            }
        }
        if (onlyHex && len >= 8 && len <= 64) {
            return digit && hexLetter;
        }
        return len == 8 && digit && upper && lower;
    }
}
