package dev.peregrine.observe.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** A TLS handshake ended, completed or failed. Committed through {@link PeregrineEvents}; off unless a recording enables it (peregrine.jfc). */
@Name("dev.peregrine.TlsHandshake")
@Label("TLS Handshake")
@Category({"Peregrine", "TLS"})
@Description("A TLS handshake ended, completed or failed.")
@Enabled(false)
@StackTrace(false)
public final class TlsHandshakeEvent extends Event {
    @Label("Connection Id")
    @Description("The server's id for the connection, as in log lines")
    long connectionId;

    @Label("TLS Version")
    String tlsVersion;

    @Label("Cipher Suite")
    String cipherSuite;

    @Label("ALPN")
    @Description("The application protocol negotiated")
    String applicationProtocol;

    @Label("Server Name")
    @Description("The SNI host name the client asked for")
    String serverName;

    @Label("Failure")
    @Description("Why the handshake failed (the reason of its TlsHandshakeException), or null")
    String failure;

    @Label("Handshake Duration")
    @Timespan(Timespan.NANOSECONDS)
    long handshakeDuration;
}
