package dev.peregrine.observe.events;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** A request ended: its handler returned or failed and the response was finished or aborted. Committed through {@link PeregrineEvents}; off unless a recording enables it (peregrine.jfc). */
@Name("dev.peregrine.RequestEnd")
@Label("Request End")
@Category({"Peregrine", "HTTP"})
@Description("A request ended: its handler returned or failed and the response was finished or aborted.")
@Enabled(false)
@StackTrace(false)
public final class RequestEndEvent extends Event {
    @Label("Connection Id")
    @Description("The server's id for the connection, as in log lines")
    long connectionId;

    @Label("Method")
    String method;

    @Label("Target")
    String target;

    @Label("Route")
    @Description("The router's template that matched, or null")
    String route;

    @Label("Status")
    @Description("The status sent, 0 when no response head went out")
    int status;

    @Label("Request Body Bytes")
    @DataAmount
    long requestBytes;

    @Label("Response Body Bytes")
    @DataAmount
    long responseBytes;

    @Label("Protocol")
    @Description("HTTP/1.1, HTTP/2 or HTTP/3")
    String protocol;

    @Label("Request Duration")
    @Timespan(Timespan.NANOSECONDS)
    long requestDuration;

    @Label("Error")
    @Description("The error.type the metrics record, or null")
    String error;
}
