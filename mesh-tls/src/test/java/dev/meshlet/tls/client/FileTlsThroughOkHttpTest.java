package dev.meshlet.tls.client;

import static dev.meshlet.tls.client.OkHttpClients.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.meshlet.core.config.networking.ClientTlsSettings;
import dev.meshlet.core.config.networking.ClientTlsSettings.TlsMode;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIMPLE and MUTUAL from DestinationRule files, through OkHttp, against real JDK TLS servers. */
class FileTlsThroughOkHttpTest {

  static final String NAME = "api.example.test";

  @TempDir Path dir;
  WebPki pki;
  HttpsServer simpleServer;
  HttpsServer mutualServer;
  final ClientTlsFactory factory = ClientTlsFactory.withoutMeshIdentity();
  final TlsUpstream upstream = TlsUpstream.external("127.0.0.1");

  @BeforeEach
  void start() throws Exception {
    pki = new WebPki(NAME);
    pki.writeFiles(dir);
    simpleServer = server(pki.serverContext(), false);
    mutualServer = server(pki.serverContext(), true);
  }

  @AfterEach
  void stop() {
    simpleServer.stop(0);
    mutualServer.stop(0);
  }

  static HttpsServer server(SSLContext context, boolean needClientAuth) throws Exception {
    HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setHttpsConfigurator(new HttpsConfigurator(context) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters p = context.getDefaultSSLParameters();
        p.setNeedClientAuth(needClientAuth);
        params.setSSLParameters(p);
      }
    });
    server.createContext("/", exchange -> {
      SSLSession session = ((HttpsExchange) exchange).getSSLSession();
      String sni = session instanceof ExtendedSSLSession e && !e.getRequestedServerNames().isEmpty()
          ? ((SNIHostName) e.getRequestedServerNames().get(0)).getAsciiName() : "none";
      String client;
      try {
        client = ((X509Certificate) session.getPeerCertificates()[0]).getSubjectX500Principal().getName();
      } catch (SSLPeerUnverifiedException e) {
        client = "none";
      }
      byte[] body = ("sni=" + sni + " client=" + client).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    return server;
  }

  static String url(HttpsServer server) {
    return "https://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  ClientTlsSettings settings(TlsMode mode, boolean withCa, List<String> sans, String sni) {
    return new ClientTlsSettings(mode,
        mode == TlsMode.MUTUAL ? dir.resolve("client.pem").toString() : null,
        mode == TlsMode.MUTUAL ? dir.resolve("client.key").toString() : null,
        withCa ? dir.resolve("root.pem").toString() : null, null, sans, sni, null, null);
  }

  @Test
  void simpleVerifiesTheServerAgainstCaCertificatesAndSubjectAltNames() throws Exception {
    ClientTls tls = factory.resolve(settings(TlsMode.SIMPLE, true, List.of(NAME), null), upstream);

    assertThat(tls.mode()).isEqualTo(TlsMode.SIMPLE);
    assertThat(tls.scheme()).isEqualTo("https");
    assertThat(get(OkHttpClients.with(tls), url(simpleServer))).isEqualTo("200 sni=none client=none");
  }

  @Test
  void simpleSendsTheConfiguredSniAndVerifiesTheServerAgainstIt() throws Exception {
    ClientTls tls = factory.resolve(settings(TlsMode.SIMPLE, true, List.of(), NAME), upstream);

    assertThat(get(OkHttpClients.with(tls), url(simpleServer))).isEqualTo("200 sni=" + NAME + " client=none");
  }

  @Test
  void simpleRefusesAServerWithoutTheExpectedName() {
    ClientTls tls = factory.resolve(settings(TlsMode.SIMPLE, true, List.of("other.example.test"), null), upstream);

    assertThatThrownBy(() -> get(OkHttpClients.with(tls), url(simpleServer)))
        .isInstanceOf(SSLPeerUnverifiedException.class);
  }

  @Test
  void simpleWithoutCaCertificatesTrustsOnlyTheJdksRoots() {
    ClientTls tls = factory.resolve(settings(TlsMode.SIMPLE, false, List.of(NAME), null), upstream);

    assertThatThrownBy(() -> get(OkHttpClients.with(tls), url(simpleServer)))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void insecureSkipVerifyAcceptsAnyServer() throws Exception {
    ClientTlsSettings s = new ClientTlsSettings(TlsMode.SIMPLE, null, null, null, null, List.of(), null, true, null);

    assertThat(get(OkHttpClients.with(factory.resolve(s, upstream)), url(simpleServer))).startsWith("200");
  }

  @Test
  void mutualPresentsTheClientCertificateFromFiles() throws Exception {
    ClientTls mutual = factory.resolve(settings(TlsMode.MUTUAL, true, List.of(NAME), null), upstream);
    ClientTls simple = factory.resolve(settings(TlsMode.SIMPLE, true, List.of(NAME), null), upstream);

    assertThat(get(OkHttpClients.with(mutual), url(mutualServer))).isEqualTo("200 sni=none client=CN=web-client");
    assertThatThrownBy(() -> get(OkHttpClients.with(simple), url(mutualServer))).isInstanceOf(java.io.IOException.class);
  }

  @Test
  void equalSettingsShareOneSocketFactorySoOkHttpKeepsOnePool() {
    ClientTls a = factory.resolve(settings(TlsMode.MUTUAL, true, List.of(NAME), null), upstream);
    ClientTls b = factory.resolve(settings(TlsMode.MUTUAL, true, List.of(NAME), null), TlsUpstream.external("other"));
    ClientTls c = factory.resolve(settings(TlsMode.SIMPLE, true, List.of(NAME), null), upstream);

    assertThat(b).isSameAs(a);
    assertThat(c.sslSocketFactory()).isNotSameAs(a.sslSocketFactory());
  }

  @Test
  void missingOrBrokenFilesAreReportedWithTheirField() throws Exception {
    ClientTlsSettings missing = new ClientTlsSettings(TlsMode.SIMPLE, null, null, dir.resolve("nope.pem").toString(),
        null, List.of(), null, null, null);
    java.nio.file.Files.writeString(dir.resolve("garbage.pem"), "not a certificate");
    ClientTlsSettings garbage = new ClientTlsSettings(TlsMode.SIMPLE, null, null, dir.resolve("garbage.pem").toString(),
        null, List.of(), null, null, null);
    ClientTlsSettings noKey = new ClientTlsSettings(TlsMode.MUTUAL, dir.resolve("client.pem").toString(), null,
        null, null, List.of(), null, null, null);
    ClientTlsSettings secret = new ClientTlsSettings(TlsMode.SIMPLE, null, null, null, "my-secret", List.of(), null,
        null, null);

    assertThatThrownBy(() -> factory.resolve(missing, upstream))
        .hasMessage("tls.caCertificates: " + dir.resolve("nope.pem") + ": no such file (expected: a PEM file)");
    assertThatThrownBy(() -> factory.resolve(garbage, upstream)).hasMessageContaining("garbage.pem");
    assertThatThrownBy(() -> factory.resolve(noKey, upstream))
        .hasMessageContaining("MUTUAL toward 127.0.0.1 needs clientCertificate and privateKey");
    assertThatThrownBy(() -> factory.resolve(secret, upstream))
        .hasMessageStartingWith("tls.credentialName: my-secret: Kubernetes secrets do not exist in process");
  }
}
