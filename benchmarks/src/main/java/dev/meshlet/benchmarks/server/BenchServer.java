package dev.meshlet.benchmarks.server;

import java.nio.charset.StandardCharsets;

/**
 * The server application of every scenario: it answers any request with the same small JSON
 * body, on a plaintext port and on an mTLS port that requires a client certificate from the
 * bench CA.
 */
public interface BenchServer extends AutoCloseable {
  /** The body every scenario receives: small, like a typical service-to-service answer. */
  byte[] BODY = "{\"id\":0,\"product\":\"reviews\",\"reviewer\":\"Reviewer1\",\"rating\":5,\"ok\":true}\n"
      .getBytes(StandardCharsets.US_ASCII);

  /** The plaintext HTTP/1.1 port on 127.0.0.1. */
  int plainPort();

  /** The mTLS (needClientAuth) HTTP/1.1 port on 127.0.0.1. */
  int mtlsPort();

  @Override
  void close() throws Exception;
}
