package dev.peregrine.observe.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A connection was accepted and registered. Committed through {@link PeregrineEvents}; off unless a recording enables it (peregrine.jfc). */
@Name("dev.peregrine.ConnectionStart")
@Label("Connection Start")
@Category({"Peregrine", "Connection"})
@Description("A connection was accepted and registered.")
@Enabled(false)
@StackTrace(false)
public final class ConnectionStartEvent extends Event {
    @Label("Connection Id")
    @Description("The server's id for the connection, as in log lines")
    long connectionId;

    @Label("Remote Address")
    String remoteAddress;

    @Label("TLS")
    @Description("Whether the listener is a TLS (or QUIC) one")
    boolean tls;
}
