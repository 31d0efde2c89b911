package dev.peregrine.observe.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A request's handler is about to run. Committed through {@link PeregrineEvents}; off unless a recording enables it (peregrine.jfc). */
@Name("dev.peregrine.RequestStart")
@Label("Request Start")
@Category({"Peregrine", "HTTP"})
@Description("A request's handler is about to run.")
@Enabled(false)
@StackTrace(false)
public final class RequestStartEvent extends Event {
    @Label("Connection Id")
    @Description("The server's id for the connection, as in log lines")
    long connectionId;

    @Label("Method")
    String method;

    @Label("Target")
    @Description("The request target as received")
    String target;

    @Label("Protocol")
    @Description("HTTP/1.1, HTTP/2 or HTTP/3")
    String protocol;

}
