package dev.peregrine.http2;

import dev.peregrine.http2.frame.Http2ConnectionException;
import dev.peregrine.http2.frame.Http2ErrorCode;
import dev.peregrine.http2.frame.Http2Settings;
import java.util.Base64;

/**
 * The {@code HTTP2-Settings} field of an {@code Upgrade: h2c} request: the base64url encoding of
 * a SETTINGS frame payload (RFC 7540 §3.2.1), which stands for the client's first SETTINGS.
 */
final class UpgradeSettings {

    private UpgradeSettings() {}

    static Http2Settings parse(String field) throws Http2ConnectionException {
        byte[] payload;
        try {
            payload = Base64.getUrlDecoder().decode(field.trim());
        } catch (IllegalArgumentException e) {
            throw new Http2ConnectionException(Http2ErrorCode.PROTOCOL_ERROR, "HTTP2-Settings is not base64url");
        }
        if (payload.length % 6 != 0) {
            throw new Http2ConnectionException(Http2ErrorCode.FRAME_SIZE_ERROR, "HTTP2-Settings is not a SETTINGS payload");
        }
        Http2Settings settings = new Http2Settings();
        for (int i = 0; i < payload.length; i += 6) {
            int id = (payload[i] & 0xFF) << 8 | payload[i + 1] & 0xFF;
            long value = ((long) (payload[i + 2] & 0xFF) << 24) | (payload[i + 3] & 0xFF) << 16
                    | (payload[i + 4] & 0xFF) << 8 | payload[i + 5] & 0xFF;
            settings.set(id, value);
        }
        return settings;
    }
}
