package dev.peregrine.files;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MimeTypesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            index.html     | text/html; charset=utf-8
            INDEX.HTM      | text/html; charset=utf-8
            site.css       | text/css; charset=utf-8
            app.js         | text/javascript; charset=utf-8
            mod.mjs        | text/javascript; charset=utf-8
            data.json      | application/json
            app.js.map     | application/json
            notes.txt      | text/plain; charset=utf-8
            README.md      | text/markdown; charset=utf-8
            feed.xml       | application/xml
            logo.svg       | image/svg+xml
            a.png          | image/png
            a.jpg          | image/jpeg
            a.JPEG         | image/jpeg
            a.gif          | image/gif
            a.webp         | image/webp
            a.avif         | image/avif
            favicon.ico    | image/x-icon
            lib.wasm       | application/wasm
            doc.pdf        | application/pdf
            a.zip          | application/zip
            a.tar.gz       | application/gzip
            clip.mp4       | video/mp4
            clip.webm      | video/webm
            song.mp3       | audio/mpeg
            song.ogg       | audio/ogg
            f.woff         | font/woff
            f.woff2        | font/woff2
            f.ttf          | font/ttf
            f.otf          | font/otf
            t.csv          | text/csv; charset=utf-8
            c.yaml         | application/yaml
            c.yml          | application/yaml
            Makefile       | application/octet-stream
            trailing.      | application/octet-stream
            a.unknownext   | application/octet-stream
            dir.d/noext    | application/octet-stream
            """)
    void typeByExtension(String name, String type) {
        assertThat(MimeTypes.forFileName(name)).isEqualTo(type);
    }
}
