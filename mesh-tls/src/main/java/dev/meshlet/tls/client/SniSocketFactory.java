package dev.meshlet.tls.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A socket factory that sends a fixed SNI (a DestinationRule's {@code tls.sni}) instead of the
 * host dialed. OkHttp later sets only ALPN on the socket's parameters, so the name stays.
 */
final class SniSocketFactory extends SSLSocketFactory {

  private final SSLSocketFactory delegate;
  private final SNIHostName sni;

  SniSocketFactory(SSLSocketFactory delegate, String sni) {
    this.delegate = delegate;
    try {
      this.sni = new SNIHostName(sni);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("tls.sni: \"" + sni + "\" is not a host name (expected: e.g. api.example.com)", e);
    }
  }

  @Override
  public String[] getDefaultCipherSuites() {
    return delegate.getDefaultCipherSuites();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return delegate.getSupportedCipherSuites();
  }

  @Override
  public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
    return withSni(delegate.createSocket(s, host, port, autoClose));
  }

  @Override
  public Socket createSocket() throws IOException {
    return withSni(delegate.createSocket());
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return withSni(delegate.createSocket(host, port));
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
    return withSni(delegate.createSocket(host, port, localHost, localPort));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return withSni(delegate.createSocket(host, port));
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return withSni(delegate.createSocket(address, port, localAddress, localPort));
  }

  private Socket withSni(Socket socket) {
    if (socket instanceof SSLSocket ssl) {
      SSLParameters params = ssl.getSSLParameters();
      params.setServerNames(List.of(sni));
      ssl.setSSLParameters(params);
    }
    return socket;
  }
}
