package dev.meshlet.agent.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.agent.Mesh;
import dev.meshlet.agent.ServiceIdentity;
import dev.meshlet.agent.server.jdk.MeshJdkServer;
import dev.meshlet.tls.pki.SpiffeCertificates;
import dev.meshlet.tls.workload.CertificateSnapshot;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two meshes given only {@code .discovery(...)}: each gets its workload certificate from the
 * discovery server's CA, the server side serves STRICT mTLS, and the caller reaches it by auto mTLS
 * through the endpoint discovery pushed.
 */
class DiscoveryMeshMtlsTest {
  static final String STRICT = """
      apiVersion: security.istio.io/v1
      kind: PeerAuthentication
      metadata: {name: default, namespace: default}
      spec:
        mtls: {mode: STRICT}
      """;

  @TempDir Path tmp;

  @Test
  void aMeshWithOnlyDiscoveryGetsItsCertificateFromTheServersCaAndServesStrictMtls() throws Exception {
    try (LocalDiscovery server = LocalDiscovery.start(tmp.resolve("data"))) {
      server.apply(STRICT);
      List<X509Certificate> roots = server.roots();
      int port = freePort();

      try (Mesh reviews = Mesh.builder(ServiceIdentity.of("reviews").withLabel("version", "v1").withPort("http", port))
              .discovery(source(server, server.token("reviews", "default"), roots)).build();
          MeshJdkServer served = MeshJdkServer.builder(reviews.inboundContext()).port(port)
              .handler("/", exchange -> {
                byte[] body = ("hello " + MeshJdkServer.call(exchange).source().principal()).getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
              }).start();
          Mesh productpage = Mesh.builder(ServiceIdentity.of("productpage").withLabel("version", "v1").withPort("http", 9080))
              .discovery(source(server, server.token("productpage", "default"), roots)).build()) {
        assertThat(reviews.awaitReady(Duration.ofSeconds(10))).as("waiting for %s", reviews.waitingFor()).isTrue();
        assertThat(productpage.awaitReady(Duration.ofSeconds(10))).as("waiting for %s", productpage.waitingFor()).isTrue();

        CertificateSnapshot cert = reviews.certificates().orElseThrow().current();
        assertThat(SpiffeCertificates.spiffeId(cert.certificate()).toString())
            .isEqualTo("spiffe://cluster.local/ns/default/sa/reviews");
        assertThat(cert.trustBundle().roots()).as("the trust bundle is the server CA's").containsAll(roots);
        X509Certificate top = cert.chain().get(cert.chain().size() - 1);
        assertThat(roots).anySatisfy(root -> assertThat(top.getIssuerX500Principal()).isEqualTo(root.getSubjectX500Principal()));
        top.verify(roots.stream().filter(r -> r.getSubjectX500Principal().equals(top.getIssuerX500Principal()))
            .findFirst().orElseThrow().getPublicKey());

        OkHttpClient plain = new OkHttpClient.Builder().callTimeout(5, TimeUnit.SECONDS).retryOnConnectionFailure(false).build();
        assertThatThrownBy(() -> plain.newCall(new Request.Builder().url("http://127.0.0.1:" + port + "/").build()).execute().close())
            .as("STRICT closes a plaintext connection").isInstanceOf(IOException.class);

        String body = eventuallyCall(productpage, "http://reviews:" + port + "/");
        assertThat(body).isEqualTo("hello cluster.local/ns/default/sa/productpage");
        assertThat(server.status()).extracting(s -> s.service()).contains("reviews", "productpage");
      }
      assertThat(server.status()).as("closing the meshes deregistered both workloads at once").isEmpty();
    }
  }

  private static DiscoveryAgentSource source(LocalDiscovery server, String token, List<X509Certificate> roots) {
    return DiscoveryAgentSource.of(b -> b.servers(server.url()).token(token).trustedRoots(roots)
        .connectTimeout(Duration.ofMillis(500)));
  }

  /** Calls until the caller's view holds the reviews endpoint (it arrives by push after reviews registered). */
  private static String eventuallyCall(Mesh mesh, String url) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      try (Response r = mesh.httpClient().newCall(new Request.Builder().url(url).build()).execute()) {
        String body = r.body().string();
        if (r.code() == 200 || System.nanoTime() > deadline) {
          assertThat(r.code()).as(body).isEqualTo(200);
          return body;
        }
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
      Thread.sleep(50);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
