package dev.peregrine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.api.Headers;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The pieces of the live-reload injection that need no server: tags, page detection, the splice, the CSP decision. */
class ScriptInjectionTest {

    private static String inject(String page) {
        return new String(InjectingResponse.inject(page.getBytes(StandardCharsets.UTF_8),
                "<S>".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    @Test
    void scriptGoesBeforeTheLastBodyEndTagInAnyCase() {
        assertThat(inject("<html><body>hi</body></html>")).isEqualTo("<html><body>hi<S></body></html>");
        assertThat(inject("<BODY>x</BODY >\n")).isEqualTo("<BODY>x<S></BODY >\n");
        assertThat(inject("<p>'</body>' in text</p></body></html>")).isEqualTo("<p>'</body>' in text</p><S></body></html>");
        assertThat(inject("<p></bodyguard></p>")).isEqualTo("<p></bodyguard></p><S>"); // not a body end tag
    }

    @Test
    void withoutABodyEndTagTheScriptIsAppended() {
        assertThat(inject("<!doctype html><title>t</title><p>no end tag")).isEqualTo("<!doctype html><title>t</title><p>no end tag<S>");
        assertThat(inject("")).isEqualTo("<S>");
    }

    @Test
    void pageTagsCarryTheSuffixInsideTheQuotes() {
        assertThat(ScriptInjection.withSuffix("\"e-1\"")).isEqualTo("\"e-1-live\"");
        assertThat(ScriptInjection.withSuffix("W/\"e-1\"")).isEqualTo("W/\"e-1-live\"");
        assertThat(ScriptInjection.withSuffix("bogus")).isNull();
    }

    /** RFC 9110 §13.1: the page's tag must validate the page, and the file's tag must not. */
    @Test
    void validatorsAreTranslatedBackToFileTags() {
        assertThat(ScriptInjection.translateTags("\"e-1-live\"")).isEqualTo("\"e-1\"");
        assertThat(ScriptInjection.translateTags("W/\"e-1-live\", \"x-live\"")).isEqualTo("W/\"e-1\", \"x\"");
        assertThat(ScriptInjection.translateTags("\"e-1\"")).isEqualTo("\"e-1-without-live-reload\"");
        assertThat(ScriptInjection.translateTags("*")).isEqualTo("*");
        assertThat(ScriptInjection.translateTags("\"a,b-live\" ,W/\"c\"")).isEqualTo("\"a,b\", W/\"c-without-live-reload\"");
        assertThat(ScriptInjection.translateTags("not a tag")).isEqualTo("not a tag");
    }

    @Test
    void pagesAreDirectoriesAndHtmlFiles() {
        assertThat(ScriptInjection.servesHtml("/")).isTrue();
        assertThat(ScriptInjection.servesHtml("/docs/")).isTrue();
        assertThat(ScriptInjection.servesHtml("/a.html")).isTrue();
        assertThat(ScriptInjection.servesHtml("/b/C.HTM")).isTrue();
        assertThat(ScriptInjection.servesHtml("/a%20b.html")).isTrue();
        assertThat(ScriptInjection.servesHtml("/site.css")).isFalse();
        assertThat(ScriptInjection.servesHtml("/docs")).isFalse(); // a redirect
        assertThat(ScriptInjection.servesHtml("*")).isFalse();
    }

    @Test
    void noPolicyTakesTheExternalScript() {
        ScriptPolicy p = ScriptPolicy.forResponse(new Headers());
        assertThat(p.tag()).isEqualTo("<script src=\"/.peregrine/live.js\"></script>");
    }

    @Test
    void aPolicyAllowingSameOriginScriptsAndConnectionsIsKept() {
        Headers h = Headers.of("content-security-policy", "default-src 'self'; img-src *");
        ScriptPolicy p = ScriptPolicy.forResponse(h);
        assertThat(p.tag()).isEqualTo(ScriptPolicy.EXTERNAL_TAG);
        p.apply(h);
        assertThat(h.getAll("content-security-policy")).containsExactly("default-src 'self'; img-src *");
        assertThat(ScriptPolicy.forResponse(Headers.of("content-security-policy",
                "script-src 'self' https://cdn.example; connect-src *")).tag()).isEqualTo(ScriptPolicy.EXTERNAL_TAG);
    }

    /** The listing's policy forbids every script: it is widened by exactly the inline script's hash. */
    @Test
    void aNothingByDefaultPolicyIsWidenedByTheScriptsHashOnly() {
        Headers h = Headers.of("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'");
        ScriptPolicy p = ScriptPolicy.forResponse(h);
        assertThat(p.tag()).isEqualTo(ScriptPolicy.INLINE_TAG).startsWith("<script>").endsWith("</script>");
        p.apply(h);
        assertThat(h.getAll("content-security-policy")).containsExactly("default-src 'none'; style-src 'unsafe-inline'; script-src "
                + ScriptPolicy.SCRIPT_HASH + "; connect-src 'self'");
        assertThat(ScriptPolicy.SCRIPT_HASH).matches("'sha256-[A-Za-z0-9+/]{43}='");
    }

    @Test
    void policiesItCannotSatisfyWithoutWeakeningLeaveThePageAlone() {
        assertThat(ScriptPolicy.forResponse(Headers.of("content-security-policy", "script-src 'nonce-abc'"))).isNull();
        assertThat(ScriptPolicy.forResponse(Headers.of("content-security-policy", "script-src 'self' 'strict-dynamic'"))).isNull();
        assertThat(ScriptPolicy.forResponse(Headers.of("content-security-policy", "default-src https://cdn.example"))).isNull();
        assertThat(ScriptPolicy.forResponse(Headers.of("content-security-policy", "default-src 'self'; connect-src 'none'"))).isNull();
        // two policies: the one allowing 'self' would block the inline form the other needs
        assertThat(ScriptPolicy.forResponse(Headers.of("content-security-policy", "default-src 'none'",
                "content-security-policy", "script-src 'self'"))).isNull();
    }
}
