package dev.meshlet.tls.permissive;

import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * An SSLContext for a PERMISSIVE port of the JDK's {@code HttpsServer}: its engines serve TLS
 * with the wrapped context (the workload's rotating one) when the client opens with a TLS
 * handshake record, and pass plaintext through unchanged otherwise. Configure the server as for
 * STRICT ({@code needClientAuth}); it applies to the TLS connections.
 *
 * <p>In the handler, {@link #isPlaintext(SSLSession)} on {@code HttpsExchange.getSSLSession()}
 * tells the two apart (a plaintext session has no peer certificates, protocol {@code NONE}).
 * Only engines are made permissive: sockets from {@link #getServerSocketFactory()} are plain
 * TLS, as is everything on the client side.
 */
public final class PermissiveSslContext extends SSLContext {

  private final SSLContext tls;

  private PermissiveSslContext(SSLContext tls) {
    super(new Spi(tls), tls.getProvider(), tls.getProtocol());
    this.tls = tls;
  }

  /** Wraps {@code tls}, an initialised context, for a PERMISSIVE port. */
  public static PermissiveSslContext wrap(SSLContext tls) {
    Objects.requireNonNull(tls, "tls");
    if (tls instanceof PermissiveSslContext p) {
      return p;
    }
    return new PermissiveSslContext(tls);
  }

  /** The context TLS connections use. */
  public SSLContext tlsContext() {
    return tls;
  }

  /** Whether {@code session} is that of a plaintext connection on a PERMISSIVE port. */
  public static boolean isPlaintext(@Nullable SSLSession session) {
    return session instanceof PlaintextSession;
  }

  private static final class Spi extends SSLContextSpi {
    private final SSLContext tls;

    Spi(SSLContext tls) {
      this.tls = tls;
    }

    @Override
    protected void engineInit(KeyManager @Nullable [] km, TrustManager @Nullable [] tm, @Nullable SecureRandom random)
        throws KeyManagementException {
      throw new KeyManagementException("a PermissiveSslContext is initialised by the context it wraps");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return tls.getSocketFactory();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      return tls.getServerSocketFactory();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      return new PermissiveSslEngine(tls.createSSLEngine());
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      return new PermissiveSslEngine(tls.createSSLEngine(host, port));
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return tls.getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return tls.getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      return tls.getDefaultSSLParameters();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return tls.getSupportedSSLParameters();
    }
  }
}
