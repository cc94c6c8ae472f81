package dev.meshlet.examples.bookinfo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.examples.bookinfo.BookinfoWorkload.Options;
import dev.meshlet.examples.bookinfo.BookinfoWorkload.Service;
import org.junit.jupiter.api.Test;

class DetailsTest {

  @Test
  void answersTheBooksDetailsAndWhoServedThem() throws Exception {
    try (BookinfoWorkload details = Workloads.start(Options.of(Service.DETAILS, "v1"))) {
      var answer = Workloads.get("http://127.0.0.1:" + details.port() + "/details/7");

      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.body().path("id").asInt()).isEqualTo(7);
      assertThat(answer.body().path("version").asText()).isEqualTo("v1");
      assertThat(answer.body().path("author").asText()).isEqualTo("William Shakespeare");
    }
  }

  @Test
  void adminEndpointServesMetricsConfigClustersAndCerts() throws Exception {
    try (BookinfoWorkload details = Workloads.start(Options.of(Service.DETAILS, "v1"))) {
      String admin = "http://127.0.0.1:" + details.adminPort();

      Workloads.get("http://127.0.0.1:" + details.port() + "/details/0");

      assertThat(Workloads.get(admin + "/config_dump").status()).isEqualTo(200);
      assertThat(text(admin + "/clusters")).startsWith("200");
      assertThat(text(admin + "/healthz/ready")).isEqualTo("200 LIVE");
      // Alone (no discovery server), a workload has no certificate and /certs says so.
      assertThat(Workloads.get(admin + "/certs").body().path("mtls").asBoolean()).isFalse();
      assertThat(text(admin + "/stats/prometheus")).startsWith("200").contains("istio_requests_total{")
          .contains("reporter=\"destination\"").contains("destination_workload=\"details-v1\"");
    }
  }

  @Test
  void demoControlsMakeItFailAndCountWhatItServed() throws Exception {
    try (BookinfoWorkload details = Workloads.start(Options.of(Service.DETAILS, "v1"))) {
      String control = "http://127.0.0.1:" + details.controlPort();
      String app = "http://127.0.0.1:" + details.port() + "/details/0";

      Workloads.get(app);
      try (var r = Workloads.CLIENT.newCall(new okhttp3.Request.Builder().url(control + "/demo/fail?status=503")
          .post(okhttp3.RequestBody.create(new byte[0])).build()).execute()) {
        assertThat(r.code()).isEqualTo(200);
      }
      Workloads.Answer failing = Workloads.get(app);

      assertThat(failing.status()).isEqualTo(503);
      assertThat(failing.body().path("error").asText()).contains("failing on purpose");
      assertThat(Workloads.get(control + "/demo/served").body().path("served").asLong()).isEqualTo(2);
    }
  }

  /** The status and body of {@code GET url}, as {@code "200 body"}, trimmed. */
  private static String text(String url) throws Exception {
    try (var response = Workloads.CLIENT.newCall(new okhttp3.Request.Builder().url(url).build()).execute()) {
      return (response.code() + " " + response.body().string()).strip();
    }
  }
}
