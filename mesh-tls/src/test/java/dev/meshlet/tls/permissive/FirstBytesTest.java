package dev.meshlet.tls.permissive;

import static dev.meshlet.tls.permissive.FirstBytes.Protocol.NEED_MORE_BYTES;
import static dev.meshlet.tls.permissive.FirstBytes.Protocol.PLAINTEXT;
import static dev.meshlet.tls.permissive.FirstBytes.Protocol.TLS;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FirstBytesTest {

  @Test
  void aHandshakeRecordIsTlsAndHttpIsPlaintext() {
    assertThat(FirstBytes.classify(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00}, 0, 5)).isEqualTo(TLS);
    assertThat(FirstBytes.classify(bytes("GET / HTTP/1.1\r\n"))).isEqualTo(PLAINTEXT);
    assertThat(FirstBytes.classify(bytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"))).isEqualTo(PLAINTEXT);
    assertThat(FirstBytes.classify(ByteBuffer.allocate(0))).isEqualTo(NEED_MORE_BYTES);
  }

  @Test
  void classifyingDoesNotConsumeTheBytes() {
    ByteBuffer buffer = ByteBuffer.wrap(new byte[] {'x', 0x16, 0x03});
    buffer.position(1);

    assertThat(FirstBytes.classify(buffer)).isEqualTo(TLS);
    assertThat(buffer.position()).isEqualTo(1);
    assertThat(buffer.remaining()).isEqualTo(2);
  }

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
  }
}
