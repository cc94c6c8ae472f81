package dev.meshlet.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.agent.client.Body;
import dev.meshlet.agent.client.GET;
import dev.meshlet.agent.client.HttpStatusException;
import dev.meshlet.agent.client.POST;
import dev.meshlet.agent.client.Path;
import dev.meshlet.agent.client.Query;
import dev.meshlet.agent.client.Header;
import dev.meshlet.core.annotation.MeshClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A declarative client sends what its method says and decodes the JSON answer. */
class DeclarativeClientTest {
  record Review(String reviewer, String text) {}

  record ReviewsDto(int id, List<Review> reviews) {}

  @MeshClient("reviews")
  interface Reviews {
    @GET("/reviews/{id}")
    ReviewsDto reviews(@Path("id") int id, @Header("end-user") String user, @Query("lang") String lang) throws IOException;

    @POST("/reviews/{id}")
    void add(@Path("id") String id, @Body Review review);

    default int count(int id) throws IOException {
      return reviews(id, null, null).reviews().size();
    }
  }

  @MeshClient("reviews")
  interface Broken {
    @GET("/reviews/{id}")
    String reviews(@Path("product") int id);
  }

  private final Upstream upstream;
  private final Mesh mesh;

  DeclarativeClientTest() throws IOException {
    upstream = new Upstream();
    mesh = Mesh.builder(ServiceIdentity.of("productpage")).endpoint("reviews", "127.0.0.1", upstream.port()).build();
  }

  @AfterEach
  void close() {
    mesh.close();
    upstream.close();
  }

  @Test
  void aGetFillsPathHeaderAndQueryAndDecodesTheJsonBody() throws Exception {
    upstream.respond(r -> new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
        .body("{\"id\": 0, \"reviews\": [{\"reviewer\": \"jason\", \"text\": \"good\", \"stars\": 5}]}").build());
    Reviews reviews = mesh.client(Reviews.class);

    ReviewsDto dto = reviews.reviews(0, "jason", "en");

    assertThat(dto).isEqualTo(new ReviewsDto(0, List.of(new Review("jason", "good"))));
    assertThat(upstream.received().get(0).getUrl().encodedPath()).isEqualTo("/reviews/0");
    assertThat(upstream.received().get(0).getUrl().queryParameter("lang")).isEqualTo("en");
    assertThat(upstream.header(0, "end-user")).isEqualTo("jason");
    assertThat(reviews.count(0)).isEqualTo(1);
    assertThat(upstream.header(1, "end-user")).as("a null header is left out").isNull();
  }

  @Test
  void aPostSendsItsBodyAsJsonAndEncodesThePathSegment() throws Exception {
    mesh.client(Reviews.class).add("a b/c", new Review("kim", "fine"));

    assertThat(upstream.received().get(0).getMethod()).isEqualTo("POST");
    assertThat(upstream.received().get(0).getUrl().encodedPath()).isEqualTo("/reviews/a%20b%2Fc");
    assertThat(upstream.received().get(0).getBody().utf8()).isEqualTo("{\"reviewer\":\"kim\",\"text\":\"fine\"}");
    assertThat(upstream.header(0, "content-type")).startsWith("application/json");
  }

  @Test
  void anErrorStatusThrowsWithTheStatusAndBody() {
    upstream.respond(r -> new MockResponse.Builder().code(404).body("no such product").build());
    Reviews reviews = mesh.client(Reviews.class);

    assertThatThrownBy(() -> reviews.reviews(9, null, null))
        .isInstanceOfSatisfying(HttpStatusException.class, e -> {
          assertThat(e.status()).isEqualTo(404);
          assertThat(e.getMessage()).contains("GET http://reviews/reviews/9 answered 404: no such product");
        });
    assertThatThrownBy(() -> reviews.add("9", new Review("a", "b")))
        .as("a method without IOException gets it unchecked")
        .isInstanceOf(UncheckedIOException.class).hasCauseInstanceOf(HttpStatusException.class);
  }

  @Test
  void aMethodThatCannotBecomeARequestFailsWhenTheClientIsMade() {
    assertThatThrownBy(() -> mesh.client(Broken.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("@Path(\"product\") on " + Broken.class.getName() + ".reviews: no {product} in \"/reviews/{id}\"");
  }
}
