package dev.meshlet.examples.bookinfo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.examples.bookinfo.BookinfoWorkload.Options;
import dev.meshlet.examples.bookinfo.BookinfoWorkload.Service;
import org.junit.jupiter.api.Test;

class RatingsTest {

  @Test
  void answersEachReviewersStarsAndItsVersion() throws Exception {
    try (BookinfoWorkload ratings = Workloads.start(Options.of(Service.RATINGS, "v1"))) {
      var answer = Workloads.get("http://127.0.0.1:" + ratings.port() + "/ratings/0");

      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.body().path("version").asText()).isEqualTo("v1");
      assertThat(answer.body().path("ratings").path("Reviewer1").asInt()).isEqualTo(5);
      assertThat(answer.body().path("ratings").path("Reviewer2").asInt()).isEqualTo(4);
    }
  }

  @Test
  void answersAnUnknownPathWith404SayingWhatItServes() throws Exception {
    try (BookinfoWorkload ratings = Workloads.start(Options.of(Service.RATINGS, "v1"))) {
      var answer = Workloads.get("http://127.0.0.1:" + ratings.port() + "/ratings/abc");

      assertThat(answer.status()).isEqualTo(404);
      assertThat(answer.body().path("error").asText()).contains("expected: /ratings/ID");
    }
  }
}
