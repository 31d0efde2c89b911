/** Test tools for Peregrine: in-memory byte pipes, raw HTTP/1.1 clients and an HTTP/2 frame DSL. */
module dev.peregrine.testkit {
    exports dev.peregrine.testkit;
}
