package dev.peregrine.observe.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** A connection was closed. Committed through {@link PeregrineEvents}; off unless a recording enables it (peregrine.jfc). */
@Name("dev.peregrine.ConnectionEnd")
@Label("Connection End")
@Category({"Peregrine", "Connection"})
@Description("A connection was closed.")
@Enabled(false)
@StackTrace(false)
public final class ConnectionEndEvent extends Event {
    @Label("Connection Id")
    @Description("The server's id for the connection, as in log lines")
    long connectionId;

    @Label("Protocol")
    @Description("HTTP/1.1, HTTP/2 or HTTP/3")
    String protocol;

    @Label("TLS")
    boolean tls;

    @Label("Connection Duration")
    @Timespan(Timespan.NANOSECONDS)
    long connectionDuration;
}
