package dev.meshlet.examples.bookinfo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.examples.bookinfo.BookinfoWorkload.Options;
import dev.meshlet.examples.bookinfo.BookinfoWorkload.Service;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProductPageTest {

  @Test
  void namesWhoServedEachPartOfThePage() throws Exception {
    try (BookinfoWorkload ratings = Workloads.start(Options.of(Service.RATINGS, "v1"));
        BookinfoWorkload details = Workloads.start(Options.of(Service.DETAILS, "v1"));
        BookinfoWorkload reviews = Workloads.start(Options.of(Service.REVIEWS, "v2")
            .withPeer("ratings", "http://127.0.0.1:" + ratings.port()));
        BookinfoWorkload page = Workloads.start(Options.of(Service.PRODUCTPAGE, "v1")
            .withPeer("details", "http://127.0.0.1:" + details.port())
            .withPeer("reviews", "http://127.0.0.1:" + reviews.port()))) {
      var answer = Workloads.get("http://127.0.0.1:" + page.port() + "/productpage");

      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.body().path("details").path("version").asText()).isEqualTo("v1");
      assertThat(answer.body().path("reviews").path("version").asText()).isEqualTo("v2");
      assertThat(answer.body().path("reviews").path("ratings").path("version").asText()).isEqualTo("v1");
      assertThat(answer.body().path("reviews").path("ratings").path("stars").asInt()).isEqualTo(4);
      assertThat(answer.body().path("errors").isArray()).isTrue();
      assertThat(answer.body().path("errors")).isEmpty();
    }
  }

  @Test
  void carriesTheUserFromTheQueryOrTheHeaderToReviews() throws Exception {
    try (Workloads.Peer details = new Workloads.Peer(200, "{\"version\":\"v1\"}");
        Workloads.Peer reviews = new Workloads.Peer(200, "{\"version\":\"v1\"}");
        BookinfoWorkload page = Workloads.start(Options.of(Service.PRODUCTPAGE, "v1")
            .withPeer("details", details.url()).withPeer("reviews", reviews.url()))) {
      Workloads.get("http://127.0.0.1:" + page.port() + "/productpage?user=jason");
      Workloads.get("http://127.0.0.1:" + page.port() + "/productpage", Map.of("end-user", "alice"));

      assertThat(reviews.requests).extracting(h -> h.get("End-user")).containsExactly(List.of("jason"), List.of("alice"));
    }
  }

  @Test
  void aFailingPartIsLeftOutAndNamedInErrorsWhileThePageStillAnswers200() throws Exception {
    try (Workloads.Peer details = new Workloads.Peer(200, "{\"version\":\"v1\"}");
        Workloads.Peer reviews = new Workloads.Peer(503, "{\"error\":\"down\"}");
        BookinfoWorkload page = Workloads.start(Options.of(Service.PRODUCTPAGE, "v1")
            .withPeer("details", details.url()).withPeer("reviews", reviews.url()))) {
      var answer = Workloads.get("http://127.0.0.1:" + page.port() + "/productpage");

      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.body().has("reviews")).isFalse();
      assertThat(answer.body().path("details").path("version").asText()).isEqualTo("v1");
      assertThat(answer.body().path("errors").get(0).path("service").asText()).isEqualTo("reviews");
      assertThat(answer.body().path("errors").get(0).path("status").asInt()).isEqualTo(503);
    }
  }

  @Test
  void givesUpOnASlowReviewsAfterTwoTries() throws Exception {
    try (Workloads.Peer details = new Workloads.Peer(200, "{\"version\":\"v1\"}");
        Workloads.Peer reviews = new Workloads.Peer(200, "{}")) {
      reviews.server.removeContext("/");
      reviews.server.createContext("/", exchange -> {
        reviews.requests.add(Map.of());
        try {
          Thread.sleep(2_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        exchange.close();
      });
      try (BookinfoWorkload page = Workloads.start(Options.of(Service.PRODUCTPAGE, "v1")
          .withPeer("details", details.url()).withPeer("reviews", reviews.url())
          .withReviewsTimeout(Duration.ofMillis(200)))) {
        long start = System.nanoTime();
        var answer = Workloads.get("http://127.0.0.1:" + page.port() + "/productpage");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1_500));
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().path("errors").get(0).path("message").asText()).contains("did not answer within 200 ms");
        assertThat(reviews.requests).hasSize(2);
      }
    }
  }
}
