package dev.meshlet.tls.permissive;

import java.nio.ByteBuffer;

/**
 * Tells a TLS connection from a plaintext one by the first bytes the client sends, without
 * consuming them: a TLS client always opens with a handshake record, content type 0x16, then
 * version major 3; no HTTP/1 request line or HTTP/2 preface starts with 0x16. For Jetty's
 * {@code DetectorConnectionFactory} or any other detector-based server.
 */
public final class FirstBytes {

  /** The content type of a TLS handshake record (RFC 8446 section 5.1). */
  public static final byte TLS_HANDSHAKE = 0x16;

  /** What the first bytes say. */
  public enum Protocol {
    /** A TLS handshake record: hand the connection to TLS. */
    TLS,
    /** Anything else: plaintext (HTTP/1 or the HTTP/2 preface). */
    PLAINTEXT,
    /** Nothing read yet: wait for a byte. */
    NEED_MORE_BYTES
  }

  private FirstBytes() {}

  /**
   * Classifies the bytes between the buffer's position and limit; the buffer is not changed.
   * The first byte decides: 0x16 is TLS, anything else plaintext.
   */
  public static Protocol classify(ByteBuffer bytes) {
    int p = bytes.position();
    int n = bytes.remaining();
    if (n == 0) {
      return Protocol.NEED_MORE_BYTES;
    }
    if (bytes.get(p) != TLS_HANDSHAKE) {
      return Protocol.PLAINTEXT;
    }
    // A 0x16 followed by something other than 0x03 0x0N is no protocol we serve either; TLS
    // refuses it with a proper alert, which is the clearer failure.
    return Protocol.TLS;
  }

  /** Classifies the first {@code length} bytes of {@code bytes} from {@code offset}. */
  public static Protocol classify(byte[] bytes, int offset, int length) {
    return classify(ByteBuffer.wrap(bytes, offset, length));
  }
}
