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
  void adminEndpointServesMetricsConfigAndClusters() throws Exception {
    try (BookinfoWorkload details = Workloads.start(Options.of(Service.DETAILS, "v1"))) {
      String admin = "http://127.0.0.1:" + details.adminPort();

      Workloads.get("http://127.0.0.1:" + details.port() + "/details/0");

      assertThat(Workloads.get(admin + "/config_dump").body().path("resources").isArray()).isTrue();
      assertThat(Workloads.get(admin + "/clusters").status()).isEqualTo(200);
      assertThat(Workloads.get(admin + "/ready").body().path("ready").asBoolean()).isTrue();
      assertThat(Workloads.get(admin + "/certs").status()).isEqualTo(404); // alone: no certificate
      try (var response = Workloads.CLIENT.newCall(new okhttp3.Request.Builder().url(admin + "/stats/prometheus").build())
          .execute()) {
        assertThat(response.code()).isEqualTo(200);
        assertThat(response.body().string()).contains("istio_requests_total{").contains("reporter=\"destination\"")
            .contains("destination_workload=\"details-v1\"");
      }
    }
  }
}
