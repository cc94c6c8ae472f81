package dev.meshlet.agent.server.jetty;

import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;

/**
 * Jetty's HTTP/2 factories, in a class of their own: it is loaded only after
 * {@link MeshJettyServer} found the optional modules on the class path.
 */
final class Http2Factories {

  private Http2Factories() {}

  static ConnectionFactory h2c(HttpConfiguration config) {
    return new HTTP2CServerConnectionFactory(config);
  }

  static ConnectionFactory h2(HttpConfiguration config) {
    return new HTTP2ServerConnectionFactory(config);
  }

  /** Negotiates h2, falling back to HTTP/1.1 for clients that offer no ALPN or only http/1.1. */
  static ConnectionFactory alpn() {
    ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
    alpn.setDefaultProtocol("http/1.1");
    return alpn;
  }
}
