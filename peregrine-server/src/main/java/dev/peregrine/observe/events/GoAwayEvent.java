package dev.peregrine.observe.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** An HTTP/2 or HTTP/3 GOAWAY was sent or received. Committed through {@link PeregrineEvents}; off unless a recording enables it (peregrine.jfc). */
@Name("dev.peregrine.GoAway")
@Label("GOAWAY")
@Category({"Peregrine", "HTTP"})
@Description("An HTTP/2 or HTTP/3 GOAWAY was sent or received.")
@Enabled(false)
@StackTrace(false)
public final class GoAwayEvent extends Event {
    @Label("Connection Id")
    @Description("The server's id for the connection, as in log lines")
    long connectionId;

    @Label("Protocol")
    @Description("HTTP/1.1, HTTP/2 or HTTP/3")
    String protocol;

    @Label("Last Stream Id")
    @Description("HTTP/2: the last stream processed; HTTP/3: the first stream id not served")
    long lastStreamId;

    @Label("Error Code")
    long errorCode;

    @Label("Error Name")
    String errorName;

    @Label("Sent")
    @Description("true when the server sent it, false when the client did")
    boolean sent;

    @Label("Reason")
    String reason;
}
