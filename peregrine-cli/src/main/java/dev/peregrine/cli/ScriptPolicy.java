package dev.peregrine.cli;

import dev.peregrine.api.Headers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * How the live-reload script may be added to an HTML response, given the response's
 * {@code Content-Security-Policy} (CSP Level 3): the tag to add, and the policy to send with it.
 *
 * <ul>
 *   <li>No policy, or every policy lets same-origin scripts run and same-origin connections
 *       open ({@code 'self'} or {@code *} in the directive that governs them, or nothing that
 *       governs them): {@code <script src="/.peregrine/live.js">}, policy unchanged. An
 *       external script also works where a page's own {@code <meta>} policy allows
 *       {@code 'self'} but not inline scripts.
 *   <li>A policy that forbids everything by default ({@code default-src 'none'}) and says
 *       nothing about scripts or connections, as the directory listing's does: the script is
 *       inlined, and the policy gets {@code script-src 'sha256-…'} (that exact script and no
 *       other) and {@code connect-src 'self'} (its event stream). Nothing else is allowed that
 *       was not before.
 *   <li>Anything else (nonces, {@code 'strict-dynamic'}, other hosts only): the page is left
 *       alone rather than weaken a policy someone chose.
 * </ul>
 */
record ScriptPolicy(String tag, List<String> policies) {

    static final String EXTERNAL_TAG = "<script src=\"" + LiveReload.SCRIPT + "\"></script>";

    private static final String SCRIPT = new String(LiveReload.script(), StandardCharsets.UTF_8);
    static final String INLINE_TAG = "<script>" + SCRIPT + "</script>";
    static final String SCRIPT_HASH = "'sha256-" + sha256(SCRIPT) + "'";

    /** What to add to a response with these headers, or {@code null} when its policy forbids the script. */
    static ScriptPolicy forResponse(Headers headers) {
        List<String> values = headers.getAll("content-security-policy");
        if (values.isEmpty()) {
            return new ScriptPolicy(EXTERNAL_TAG, List.of());
        }
        List<String> policies = new ArrayList<>();
        for (String value : values) {
            for (String policy : value.split(",")) {
                if (!policy.isBlank()) {
                    policies.add(policy.strip());
                }
            }
        }
        boolean externalOk = true;
        boolean inlineOk = true;
        List<String> widened = new ArrayList<>();
        for (String policy : policies) {
            Directives d = Directives.parse(policy);
            List<String> scripts = d.first("script-src-elem", "script-src", "default-src");
            List<String> connects = d.first("connect-src", "default-src");
            boolean sameOriginConnects = allowsSameOrigin(connects);
            externalOk &= allowsSameOrigin(scripts) && sameOriginConnects;
            if (scripts == null && sameOriginConnects) {
                widened.add(policy); // inline scripts are not restricted by this one
            } else if (d.widenable()) {
                widened.add(policy + "; script-src " + SCRIPT_HASH + "; connect-src 'self'");
            } else {
                inlineOk = false;
            }
        }
        if (externalOk) {
            return new ScriptPolicy(EXTERNAL_TAG, List.copyOf(policies));
        }
        return inlineOk ? new ScriptPolicy(INLINE_TAG, List.copyOf(widened)) : null;
    }

    /** Puts the policies into {@code headers}, replacing the ones there. */
    void apply(Headers headers) {
        if (policies.isEmpty()) {
            return;
        }
        headers.remove("content-security-policy");
        for (String policy : policies) {
            headers.add("content-security-policy", policy);
        }
    }

    private static boolean allowsSameOrigin(List<String> sources) {
        if (sources == null) {
            return true;
        }
        if (sources.contains("'strict-dynamic'")) {
            return false; // host sources and 'self' are ignored then
        }
        return sources.contains("'self'") || sources.contains("*");
    }

    private static String sha256(String text) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** One policy's directives: lower-cased names, source lists as written (keywords lower-cased). */
    private record Directives(List<String> names, List<List<String>> values) {
        static Directives parse(String policy) {
            List<String> names = new ArrayList<>();
            List<List<String>> values = new ArrayList<>();
            for (String directive : policy.split(";")) {
                String[] tokens = directive.strip().split("[ \t]+");
                if (tokens[0].isEmpty()) {
                    continue;
                }
                String name = tokens[0].toLowerCase(Locale.ROOT);
                if (names.contains(name)) {
                    continue; // only the first of a repeated directive counts (CSP3 §2.2.1)
                }
                List<String> sources = new ArrayList<>();
                for (int i = 1; i < tokens.length; i++) {
                    String t = tokens[i];
                    sources.add(t.startsWith("'") ? t.toLowerCase(Locale.ROOT) : t);
                }
                names.add(name);
                values.add(sources);
            }
            return new Directives(names, values);
        }

        /** The source list of the first of these directives present, or null. */
        List<String> first(String... candidates) {
            for (String name : candidates) {
                int i = names.indexOf(name);
                if (i >= 0) {
                    return values.get(i);
                }
            }
            return null;
        }

        /** {@code default-src 'none'} and nothing about scripts or connections: adding both only allows ours. */
        boolean widenable() {
            return List.of("'none'").equals(first("default-src"))
                    && first("script-src", "script-src-elem", "script-src-attr", "connect-src") == null;
        }
    }
}
