package dev.meshlet.examples.bookinfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.examples.bookinfo.BookinfoWorkload.Options;
import dev.meshlet.examples.bookinfo.BookinfoWorkload.Service;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReviewsTest {

  @Test
  void v1ShowsNoStarsAndDoesNotCallRatings() throws Exception {
    try (Workloads.Peer ratings = new Workloads.Peer(200, "{}");
        BookinfoWorkload reviews = Workloads.start(Options.of(Service.REVIEWS, "v1").withPeer("ratings", ratings.url()))) {
      var answer = Workloads.get("http://127.0.0.1:" + reviews.port() + "/reviews/0");

      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.body().path("version").asText()).isEqualTo("v1");
      assertThat(answer.body().has("ratings")).isFalse();
      assertThat(answer.body().path("reviews").get(0).has("stars")).isFalse();
      assertThat(ratings.requests).isEmpty();
    }
  }

  @Test
  void v2AsksRatingsCarryingTheSignedInUserAndShowsBlackStars() throws Exception {
    try (BookinfoWorkload ratings = Workloads.start(Options.of(Service.RATINGS, "v1"));
        BookinfoWorkload reviews = Workloads.start(Options.of(Service.REVIEWS, "v2")
            .withPeer("ratings", "http://127.0.0.1:" + ratings.port()))) {
      var answer = Workloads.get("http://127.0.0.1:" + reviews.port() + "/reviews/0", Map.of("end-user", "jason"));

      assertThat(answer.body().path("version").asText()).isEqualTo("v2");
      assertThat(answer.body().path("ratings").path("version").asText()).isEqualTo("v1");
      assertThat(answer.body().path("ratings").path("stars").asInt()).isEqualTo(4);
      assertThat(answer.body().path("ratings").path("color").asText()).isEqualTo("black");
      assertThat(answer.body().path("reviews").get(0).path("stars").asInt()).isEqualTo(5);
    }
    try (Workloads.Peer ratings = new Workloads.Peer(200, "{\"version\":\"v1\",\"ratings\":{\"Reviewer1\":5,\"Reviewer2\":4}}");
        BookinfoWorkload reviews = Workloads.start(Options.of(Service.REVIEWS, "v3").withPeer("ratings", ratings.url()))) {
      var answer = Workloads.get("http://127.0.0.1:" + reviews.port() + "/reviews/0", Map.of("end-user", "jason"));

      assertThat(answer.body().path("ratings").path("color").asText()).isEqualTo("red");
      assertThat(ratings.requests).singleElement()
          .satisfies(headers -> assertThat(headers.get("End-user")).isEqualTo(List.of("jason")));
    }
  }

  @Test
  void aFailingRatingsLeavesTheReviewsWithAnErrorNamingRatingsAndItsStatus() throws Exception {
    try (Workloads.Peer ratings = new Workloads.Peer(500, "{\"error\":\"boom\"}");
        BookinfoWorkload reviews = Workloads.start(Options.of(Service.REVIEWS, "v2").withPeer("ratings", ratings.url()))) {
      var answer = Workloads.get("http://127.0.0.1:" + reviews.port() + "/reviews/0");

      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.body().path("ratings").path("error").asText()).isEqualTo("Ratings service is currently unavailable");
      assertThat(answer.body().path("errors").get(0).path("service").asText()).isEqualTo("ratings");
      assertThat(answer.body().path("errors").get(0).path("status").asInt()).isEqualTo(500);
      assertThat(answer.body().path("errors").get(0).path("flag").asText()).isEqualTo("-");
    }
  }

  @Test
  void refusesAVersionBookinfoDoesNotHave() {
    assertThatThrownBy(() -> new Reviews("v4", "r", timeout -> Workloads.CLIENT, "http://ratings"))
        .hasMessageContaining("expected: v1, v2 or v3");
  }
}
