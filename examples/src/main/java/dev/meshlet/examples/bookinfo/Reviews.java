package dev.meshlet.examples.bookinfo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import okhttp3.OkHttpClient;

/**
 * Bookinfo's reviews service: {@code GET /reviews/ID} answers two reviews. v1 shows no stars; v2
 * (black stars) and v3 (red stars) ask ratings, carrying the signed-in user on.
 */
public final class Reviews implements HttpHandler {

  /** How long v2 waits for ratings, as Bookinfo's reviews v2 does. */
  public static final Duration V2_RATINGS_TIMEOUT = Duration.ofSeconds(10);

  /** How long v3 waits for ratings, as Bookinfo's reviews v3 does. */
  public static final Duration V3_RATINGS_TIMEOUT = Duration.ofMillis(2500);

  private final String version;
  private final String instance;
  private final Duration ratingsTimeout;
  private final OkHttpClient client;
  private final String ratingsUrl;

  /**
   * Reviews of {@code version} ({@code v1}, {@code v2} or {@code v3}).
   *
   * @param instance this instance's name, in answers so that a caller sees which one served
   * @param client makes the mesh client ratings is called with, given its call timeout
   * @param ratingsUrl where ratings is, {@code http://ratings} in the mesh
   */
  public Reviews(String version, String instance, Function<Duration, OkHttpClient> client, String ratingsUrl) {
    if (!version.matches("v[123]")) {
      throw new IllegalArgumentException("reviews version: '" + version + "' (expected: v1, v2 or v3)");
    }
    this.version = version;
    this.instance = Objects.requireNonNull(instance, "instance");
    // Made once: the timeout is the version's, as Bookinfo's reviews hard-codes it.
    this.ratingsTimeout = version.equals("v3") ? V3_RATINGS_TIMEOUT : V2_RATINGS_TIMEOUT;
    this.client = client.apply(ratingsTimeout);
    this.ratingsUrl = Objects.requireNonNull(ratingsUrl, "ratingsUrl");
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    Integer id = Exchanges.idAfter(exchange, "/reviews/");
    if (id == null) {
      Exchanges.error(exchange, 404, "no such path: " + exchange.getRequestURI().getPath() + " (expected: /reviews/ID)");
      return;
    }
    ObjectNode body = Exchanges.JSON.createObjectNode();
    body.put("id", id);
    body.put("version", version);
    body.put("instance", instance);
    ArrayNode errors = body.putArray("errors");
    ArrayNode reviews = body.putArray("reviews");
    ObjectNode first = reviews.addObject();
    first.put("reviewer", "Reviewer1");
    first.put("text", "An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!");
    ObjectNode second = reviews.addObject();
    second.put("reviewer", "Reviewer2");
    second.put("text", "Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by Shakespeare.");
    if (!version.equals("v1")) {
      PeerCall call = PeerCall.get(client, "ratings", ratingsUrl + "/ratings/" + id, Exchanges.propagated(exchange),
          ratingsTimeout, 1);
      ObjectNode ratings = body.putObject("ratings");
      JsonNode answer = call.body();
      if (answer != null) {
        ratings.put("version", answer.path("version").asText("unknown"));
        ratings.put("stars", answer.path("ratings").path("Reviewer2").asInt());
        ratings.put("color", version.equals("v2") ? "black" : "red");
        first.put("stars", answer.path("ratings").path("Reviewer1").asInt());
        second.put("stars", answer.path("ratings").path("Reviewer2").asInt());
      } else {
        ratings.put("error", "Ratings service is currently unavailable");
        errors.add(Objects.requireNonNull(call.error()));
      }
    }
    Exchanges.send(exchange, 200, body);
  }
}
