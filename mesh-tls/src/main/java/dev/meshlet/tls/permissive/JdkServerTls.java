package dev.meshlet.tls.permissive;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import dev.meshlet.core.config.security.PeerAuthentication.Mode;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The {@code HttpsConfigurator} of a JDK {@code HttpsServer} port for an inbound mTLS mode:
 * STRICT requires a client certificate (verified by the context's SPIFFE trust manager);
 * PERMISSIVE does the same for TLS clients and lets plaintext through on the same port. DISABLE
 * has no configurator: serve it with a plain {@code HttpServer}.
 */
public final class JdkServerTls {

  private JdkServerTls() {}

  /**
   * A configurator for {@code mode} over {@code workloadContext} (the workload certificate
   * manager's one SSLContext, so rotations apply to the next handshake).
   *
   * @throws IllegalArgumentException for DISABLE or UNSET, which need no TLS configurator
   */
  public static HttpsConfigurator configurator(Mode mode, SSLContext workloadContext) {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(workloadContext, "workloadContext");
    SSLContext context = switch (mode) {
      case STRICT -> workloadContext;
      case PERMISSIVE -> PermissiveSslContext.wrap(workloadContext);
      case DISABLE, UNSET -> throw new IllegalArgumentException("mode: " + mode
          + " (expected: STRICT or PERMISSIVE; a DISABLE port is a plain HttpServer, and UNSET is resolved first)");
    };
    return new HttpsConfigurator(context) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
        ssl.setNeedClientAuth(true);
        params.setSSLParameters(ssl);
      }
    };
  }
}
