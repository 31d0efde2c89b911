package dev.peregrine.observe.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** An HTTP/2 or HTTP/3 stream was reset, by the client or the server. Committed through {@link PeregrineEvents}; off unless a recording enables it (peregrine.jfc). */
@Name("dev.peregrine.StreamReset")
@Label("Stream Reset")
@Category({"Peregrine", "HTTP"})
@Description("An HTTP/2 or HTTP/3 stream was reset, by the client or the server.")
@Enabled(false)
@StackTrace(false)
public final class StreamResetEvent extends Event {
    @Label("Connection Id")
    @Description("The server's id for the connection, as in log lines")
    long connectionId;

    @Label("Protocol")
    @Description("HTTP/1.1, HTTP/2 or HTTP/3")
    String protocol;

    @Label("Stream Id")
    long streamId;

    @Label("Error Code")
    long errorCode;

    @Label("Error Name")
    String errorName;

    @Label("Initiator")
    @Description("client or server")
    String initiator;
}
