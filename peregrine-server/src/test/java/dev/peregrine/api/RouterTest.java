package dev.peregrine.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.files.FakeRequest;
import dev.peregrine.files.FakeResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RouterTest {

    private final Router router = Router.builder()
            .get("/", (req, res) -> res.send("root"))
            .get("/users/{id}", (req, res) -> res.send("user " + req.pathParam("id")))
            .get("/users/{id}/posts/{post}", (req, res) -> res.send(req.pathParam("id") + "/" + req.pathParam("post")))
            .post("/users", (req, res) -> res.send("created"))
            .get("/files/{path...}", (req, res) -> res.send("file [" + req.pathParam("path") + "]"))
            .get("/static/*", (req, res) -> res.send("static"))
            .get("/a/", (req, res) -> res.send("a-slash"))
            .build();

    private FakeResponse call(String method, String path) throws Exception {
        FakeResponse res = new FakeResponse();
        router.handle(FakeRequest.of(method, path), res);
        return res;
    }

    @ParameterizedTest(name = "{0} {1} -> {2} {3}")
    @CsvSource(delimiter = '|', value = {
        "GET|/|200|root",
        "GET|/users/42|200|user 42",
        "GET|/users/a%20b|200|user a b",
        "GET|/users/7/posts/9|200|7/9",
        "POST|/users|200|created",
        "GET|/files/a/b/c.txt|200|file [a/b/c.txt]",
        "GET|/files/|200|file []",
        "GET|/static/x/y|200|static",
        "GET|/a/|200|a-slash",
        "HEAD|/users/1|200|user 1",
        "GET|/users/|404|Not Found",
        "GET|/users/1/extra|404|Not Found",
        "GET|/nope|404|Not Found",
        "GET|/a|404|Not Found",
        "GET|/users/%zz|404|Not Found",
    })
    void routes(String method, String path, int status, String body) throws Exception {
        FakeResponse res = call(method, path);
        assertThat(res.status()).isEqualTo(status);
        assertThat(res.bodyString().strip()).isEqualTo(body);
    }

    @Test
    void anotherMethodOnAKnownPathIs405WithAllow() throws Exception {
        FakeResponse res = call("DELETE", "/users");
        assertThat(res.status()).isEqualTo(405);
        assertThat(res.headers().get("allow")).isEqualTo("POST");
        FakeResponse get = call("PUT", "/users/1");
        assertThat(get.headers().get("allow")).isEqualTo("GET, HEAD");
    }
}
