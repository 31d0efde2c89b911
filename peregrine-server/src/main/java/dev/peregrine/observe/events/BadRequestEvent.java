package dev.peregrine.observe.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A request was refused before or while its handler ran: malformed, too large, too slow. Committed through {@link PeregrineEvents}; off unless a recording enables it (peregrine.jfc). */
@Name("dev.peregrine.BadRequest")
@Label("Bad Request")
@Category({"Peregrine", "HTTP"})
@Description("A request was refused before or while its handler ran: malformed, too large, too slow.")
@Enabled(false)
@StackTrace(false)
public final class BadRequestEvent extends Event {
    @Label("Connection Id")
    @Description("The server's id for the connection, as in log lines")
    long connectionId;

    @Label("Protocol")
    @Description("HTTP/1.1, HTTP/2 or HTTP/3")
    String protocol;

    @Label("Status")
    @Description("The status answered (400, 408, 413, 414, 431, 501, 505)")
    int status;

    @Label("Reason")
    @Description("What was wrong, as the debug log line says")
    String reason;
}
