package dev.peregrine.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestPathTest {

    @Test
    void rootAndPlainPaths() {
        assertThat(RequestPath.parse("/")).isEqualTo(new RequestPath(List.of(), true));
        assertThat(RequestPath.parse("/a/b.txt")).isEqualTo(new RequestPath(List.of("a", "b.txt"), false));
        assertThat(RequestPath.parse("/a/b/")).isEqualTo(new RequestPath(List.of("a", "b"), true));
    }

    @Test
    void decodesEachSegmentOnce() {
        assertThat(RequestPath.parse("/my%20file.txt").segments()).containsExactly("my file.txt");
        assertThat(RequestPath.parse("/caf%C3%A9").segments()).containsExactly("café");
        // double encoding stays a literal, harmless name: "%2e%2e" is not ".."
        assertThat(RequestPath.parse("/%252e%252e/x").segments()).containsExactly("%2e%2e", "x");
        assertThat(RequestPath.parse("/.well-known/security.txt").segments())
                .containsExactly(".well-known", "security.txt");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/../etc/passwd",
        "/a/../../etc/passwd",
        "/..",
        "/.",
        "/a/./b",
        "/%2e%2e/etc/passwd",
        "/%2E%2E/etc/passwd",
        "/%2e./x",
        "/.%2e/x",
        "/%2E%2E%2Fetc%2Fpasswd",
        "/..%2fetc%2fpasswd",
        "/..%2Fetc",
        "/%5c..%5cwindows",
        "/..%5c..%5cwindows",
        "/a\\..\\b",
        "/..\\x",
        "/a%00.txt",
        "/a%00",
        "/%00",
        "/a%0d%0ab",
        "/a%7f",
        "//etc/passwd",
        "/a//b",
        "/.git/config",
        "/.env",
        "/%2egit/config",
        "/a/.htpasswd",
        "/%zz",
        "/%e",
        "/%c0%ae%c0%ae/x",   // overlong UTF-8 for "..": not UTF-8, refused
        "/%ff",
        "",
        "a/b",
        "*",
        "http://host/x",
    })
    void refused(String path) {
        assertThat(RequestPath.parse(path)).isNull();
    }

    @Test
    void plainNames() {
        assertThat(RequestPath.isPlainName("index.html")).isTrue();
        assertThat(RequestPath.isPlainName("a..b")).isTrue();
        assertThat(RequestPath.isPlainName("...")).isFalse();
        assertThat(RequestPath.isPlainName(".well-known")).isTrue();
        assertThat(RequestPath.isPlainName(".well-knownx")).isFalse();
        assertThat(RequestPath.isPlainName("")).isFalse();
    }
}
