package dev.peregrine.observe.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A deadline fired: keep-alive, request headers, request body rate, response rate or HTTP/2 SETTINGS acknowledgement. Committed through {@link PeregrineEvents}; off unless a recording enables it (peregrine.jfc). */
@Name("dev.peregrine.Timeout")
@Label("Timeout")
@Category({"Peregrine", "Connection"})
@Description("A deadline fired: keep-alive, request headers, request body rate, response rate or HTTP/2 SETTINGS acknowledgement.")
@Enabled(false)
@StackTrace(false)
public final class TimeoutEvent extends Event {
    @Label("Connection Id")
    @Description("The server's id for the connection, as in log lines")
    long connectionId;

    @Label("Protocol")
    @Description("HTTP/1.1, HTTP/2 or HTTP/3")
    String protocol;

    @Label("Kind")
    @Description("keep_alive, request_headers, request_body_rate, response_rate or settings_ack")
    String kind;
}
