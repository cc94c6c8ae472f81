package dev.meshlet.examples.bookinfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshlet.discovery.api.DiscoveryServer;
import dev.meshlet.examples.bookinfo.BookinfoWorkload.Options;
import dev.meshlet.examples.bookinfo.BookinfoWorkload.Service;
import dev.meshlet.examples.demo.DiscoveryTls;
import dev.meshlet.tls.pki.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Workloads registered with a real discovery server hold certificates from its CA and call each
 * other over mutual TLS, while their ports still take plaintext (PERMISSIVE, Istio's default);
 * with the server's API over TLS (trusted by the mesh root, as bin/demo runs it) and over plain
 * HTTP (a {@code --plaintext} server).
 */
class MeshCertificatesTest {

  @TempDir Path data;

  @ParameterizedTest(name = "server API over TLS: {0}")
  @ValueSource(booleans = {true, false})
  void workloadsGetCertificatesFromTheDiscoveryCaAndCallEachOtherOverMutualTls(boolean tls) throws Exception {
    try (DiscoveryServer server = DiscoveryServer.builder(data).port(0).tls(tls).start();
        BookinfoWorkload ratings = Workloads.start(registered(Service.RATINGS, server, tls));
        BookinfoWorkload reviews = Workloads.start(registered(Service.REVIEWS, server, tls))) {
      assertThat(server.url()).startsWith(tls ? "https://" : "http://");
      // The certificate: the service account's SPIFFE ID, signed by the server's CA.
      JsonNode certs = Workloads.get("http://127.0.0.1:" + reviews.adminPort() + "/certs").body();
      assertThat(certs.path("spiffeId").asText()).isEqualTo("spiffe://cluster.local/ns/default/sa/reviews");
      List<X509Certificate> chain = Pem.readCertificates(certs.path("chainPem").asText(), "certs");
      X509Certificate root = Pem.readCertificates(Files.readString(data.resolve("ca/root-cert.pem")), "root").get(0);
      chain.get(chain.size() - 1).verify(root.getPublicKey());

      // Plaintext from outside still reaches reviews (PERMISSIVE); reviews -> ratings goes over mTLS.
      Workloads.Answer page = awaitRatings("http://127.0.0.1:" + reviews.port() + "/reviews/0");
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.body().path("ratings").path("stars").asInt()).isEqualTo(4);
      String scrape;
      try (Response r = Workloads.CLIENT.newCall(new Request.Builder()
          .url("http://127.0.0.1:" + ratings.adminPort() + "/stats/prometheus").build()).execute()) {
        scrape = r.body().string();
      }
      assertThat(scrape.lines().filter(l -> l.startsWith("istio_requests_total{")
          && l.contains("reporter=\"destination\"") && l.contains("connection_security_policy=\"mutual_tls\"")
          && l.contains("source_principal=\"spiffe://cluster.local/ns/default/sa/reviews\"")))
          .as(scrape).isNotEmpty();
    }
  }

  @Test
  void anHttpsServerWithoutTrustBundleIsRefusedByName() {
    Options options = new Options(Service.RATINGS, "v1", "default", 0, 0, 0, "https://127.0.0.1:15010", "a-token", null,
        Map.of(), ProductPage.REVIEWS_TIMEOUT);
    assertThatThrownBy(() -> Workloads.start(options))
        .hasMessageContaining("trust bundle: missing for https://127.0.0.1:15010")
        .hasMessageContaining("ca/root-cert.pem");
  }

  private Options registered(Service service, DiscoveryServer server, boolean tls) throws Exception {
    String version = service == Service.REVIEWS ? "v2" : "v1";
    Path root = tls ? data.resolve("ca/root-cert.pem") : null;
    return new Options(service, version, "default", 0, 0, 0, server.url(), token(server, service.serviceName(), root), root,
        Map.of(), ProductPage.REVIEWS_TIMEOUT);
  }

  /** A bootstrap token, as {@code meshctl token create} makes it (over TLS trusting {@code root} when given). */
  private static String token(DiscoveryServer server, String serviceAccount, Path root) throws Exception {
    Request request = new Request.Builder().url(server.url() + "/v1/tokens")
        .header("Authorization", "Bearer " + server.adminToken())
        .post(RequestBody.create("{\"serviceAccount\":\"" + serviceAccount + "\",\"namespace\":\"default\"}",
            MediaType.get("application/json")))
        .build();
    OkHttpClient client = root == null ? Workloads.CLIENT : DiscoveryTls.trustServer(Workloads.CLIENT.newBuilder(), root).build();
    try (Response response = client.newCall(request).execute()) {
      return Workloads.JSON.readTree(response.body().string()).path("token").asText();
    }
  }

  /** reviews learns ratings' endpoint by a push shortly after ratings registers: poll until it has. */
  private static Workloads.Answer awaitRatings(String url) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    Workloads.Answer answer = Workloads.get(url);
    while (!answer.body().has("ratings")) {
      if (System.nanoTime() > deadline) {
        return answer;
      }
      Thread.sleep(100);
      answer = Workloads.get(url);
    }
    return answer;
  }
}
