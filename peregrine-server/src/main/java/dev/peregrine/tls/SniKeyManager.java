package dev.peregrine.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Chooses the server certificate by the SNI host name the client asked for: an exact name first,
 * then a {@code *.parent} wildcard covering exactly one more label (RFC 6125 §6.4.3), else the
 * default. Immutable: a reload builds a new one inside a new SSLContext, so a handshake never
 * sees a certificate from one generation and a key from another.
 *
 * <p>Each per-certificate SSLContext gets a view {@link #boundTo bound} to its own alias, used
 * when the JDK asks without an SNI name in sight: restoring a stateless session ticket it asks
 * for the certificate again before the handshake session exists, and must get the ticket's.
 *
 * <p>Aliases are {@code "default"} and {@code "sni:" + pattern}.
 */
final class SniKeyManager extends X509ExtendedKeyManager {

    static final String DEFAULT_ALIAS = "default";
    static final String SNI_PREFIX = "sni:";

    private final Map<String, KeyMaterial> byAlias;
    private final Map<String, String> exact; // host -> alias
    private final Map<String, String> wildcard; // parent domain -> alias
    private final boolean rejectUnknown;
    private final String boundAlias;

    SniKeyManager(KeyMaterial defaultMaterial, Map<String, KeyMaterial> byPattern, boolean rejectUnknown) {
        Map<String, String> exact = new HashMap<>();
        Map<String, String> wildcard = new HashMap<>();
        Map<String, KeyMaterial> aliases = new HashMap<>();
        aliases.put(DEFAULT_ALIAS, defaultMaterial);
        byPattern.forEach((pattern, material) -> {
            aliases.put(SNI_PREFIX + pattern, material);
            if (pattern.startsWith("*.")) {
                wildcard.put(pattern.substring(2), SNI_PREFIX + pattern);
            } else {
                exact.put(pattern, SNI_PREFIX + pattern);
            }
        });
        this.byAlias = Map.copyOf(aliases);
        this.exact = Map.copyOf(exact);
        this.wildcard = Map.copyOf(wildcard);
        this.rejectUnknown = rejectUnknown;
        this.boundAlias = DEFAULT_ALIAS;
    }

    private SniKeyManager(SniKeyManager all, String boundAlias) {
        this.byAlias = all.byAlias;
        this.exact = all.exact;
        this.wildcard = all.wildcard;
        this.rejectUnknown = all.rejectUnknown;
        this.boundAlias = boundAlias;
    }

    /** The same certificates, answering {@code alias} when a handshake shows no SNI name. */
    SniKeyManager boundTo(String alias) {
        if (!byAlias.containsKey(alias)) {
            throw new IllegalArgumentException(alias);
        }
        return new SniKeyManager(this, alias);
    }

    /** The alias whose certificate covers {@code host}, or null. */
    String aliasFor(String host) {
        String alias = exact.get(host);
        if (alias == null) {
            int dot = host.indexOf('.');
            if (dot > 0) {
                alias = wildcard.get(host.substring(dot + 1));
            }
        }
        return alias;
    }

    /**
     * An SNI matcher installed on every engine. It tells {@code onName} the name this very
     * handshake asks for (a resumed session's stored name may differ), and with {@code REJECT}
     * refuses unknown names: the JDK then sends {@code unrecognized_name}. Having a matcher also
     * makes the JDK refuse to resume a session made for another name (RFC 6066 §3), which it
     * checks only when matchers exist.
     */
    SNIMatcher matcher(Consumer<String> onName, Consumer<String> onReject) {
        return new SNIMatcher(StandardConstants.SNI_HOST_NAME) {
            @Override
            public boolean matches(SNIServerName name) {
                String host = hostName(name);
                onName.accept(host);
                boolean known = host != null && aliasFor(host) != null;
                if (!known && rejectUnknown) {
                    onReject.accept(host);
                    return false;
                }
                return true;
            }
        };
    }

    static String hostName(SNIServerName name) {
        if (name.getType() != StandardConstants.SNI_HOST_NAME) {
            return null;
        }
        String ascii = name instanceof SNIHostName h ? h.getAsciiName() : new SNIHostName(name.getEncoded()).getAsciiName();
        ascii = ascii.toLowerCase(Locale.ROOT);
        return ascii.endsWith(".") ? ascii.substring(0, ascii.length() - 1) : ascii;
    }

    /** The host name the client sent in SNI during this handshake, or null. */
    static String requestedHost(SSLSession handshakeSession) {
        if (handshakeSession instanceof ExtendedSSLSession session) {
            for (SNIServerName name : session.getRequestedServerNames()) {
                String host = hostName(name);
                if (host != null) {
                    return host;
                }
            }
        }
        return null;
    }

    private String choose(String keyType, SSLSession handshakeSession) {
        String host = requestedHost(handshakeSession);
        String alias = host == null ? boundAlias : aliasFor(host);
        if (alias == null) {
            if (rejectUnknown) {
                return null;
            }
            alias = DEFAULT_ALIAS;
        }
        return keyTypeMatches(byAlias.get(alias), keyType) ? alias : null;
    }

    /** {@code keyType} is the JDK's name for the signature key a scheme or suite needs: RSA, RSASSA-PSS, EC, EdDSA. */
    private static boolean keyTypeMatches(KeyMaterial material, String keyType) {
        String algorithm = material.privateKey().getAlgorithm();
        return algorithm.equals(keyType) || (keyType.equals("EdDSA") && algorithm.startsWith("Ed"));
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return engine == null ? null : choose(keyType, engine.getHandshakeSession());
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return socket instanceof SSLSocket s ? choose(keyType, s.getHandshakeSession()) : null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        List<String> out = new ArrayList<>();
        byAlias.forEach((alias, material) -> {
            if (keyTypeMatches(material, keyType)) {
                out.add(alias);
            }
        });
        return out.isEmpty() ? null : out.toArray(String[]::new);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        KeyMaterial m = byAlias.get(alias);
        return m == null ? null : m.chain().toArray(X509Certificate[]::new);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        KeyMaterial m = byAlias.get(alias);
        return m == null ? null : m.privateKey();
    }

    // A server never acts as a TLS client.
    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return null;
    }
}
