package dev.meshlet.examples.bookinfo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import okhttp3.OkHttpClient;

/**
 * Bookinfo's product page: {@code GET /productpage} asks details and reviews and answers JSON
 * naming who served each part. A part that fails is left out and named in {@code errors}; the page
 * itself still answers 200, as Bookinfo's "reviews are currently unavailable" does.
 */
public final class ProductPage implements HttpHandler {

  /** How long productpage waits for reviews per try; it tries twice, as Bookinfo's productpage does. */
  public static final Duration REVIEWS_TIMEOUT = Duration.ofSeconds(3);

  /** How long productpage waits for details. */
  public static final Duration DETAILS_TIMEOUT = Duration.ofSeconds(3);

  private final OkHttpClient detailsClient;
  private final OkHttpClient reviewsClient;
  private final String detailsUrl;
  private final String reviewsUrl;
  private final Duration reviewsTimeout;

  /**
   * A product page calling {@code detailsUrl} and {@code reviewsUrl} ({@code http://details},
   * {@code http://reviews} in the mesh) through mesh clients {@code client} makes for a call timeout.
   */
  public ProductPage(Function<Duration, OkHttpClient> client, String detailsUrl, String reviewsUrl,
      Duration reviewsTimeout) {
    this.detailsClient = client.apply(DETAILS_TIMEOUT);
    this.reviewsClient = client.apply(reviewsTimeout);
    this.detailsUrl = Objects.requireNonNull(detailsUrl, "detailsUrl");
    this.reviewsUrl = Objects.requireNonNull(reviewsUrl, "reviewsUrl");
    this.reviewsTimeout = Objects.requireNonNull(reviewsTimeout, "reviewsTimeout");
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    if (!path.equals("/productpage")) {
      Exchanges.error(exchange, 404, "no such path: " + path + " (expected: /productpage)");
      return;
    }
    Map<String, String> headers = Exchanges.propagated(exchange);
    String user = Exchanges.query(exchange).get("user");
    if (user != null && !user.isEmpty()) {
      headers.put("end-user", user);
    }
    ObjectNode page = Exchanges.JSON.createObjectNode();
    page.put("product", "The Comedy of Errors");
    if (headers.containsKey("end-user")) {
      page.put("user", headers.get("end-user"));
    }
    ArrayNode errors = Exchanges.JSON.createArrayNode();

    PeerCall details = PeerCall.get(detailsClient, "details", detailsUrl + "/details/0", headers, DETAILS_TIMEOUT, 1);
    if (details.body() != null) {
      ObjectNode part = page.putObject("details");
      part.put("version", details.body().path("version").asText("unknown"));
    } else {
      errors.add(Objects.requireNonNull(details.error()));
    }

    PeerCall reviews = PeerCall.get(reviewsClient, "reviews", reviewsUrl + "/reviews/0", headers, reviewsTimeout, 2);
    JsonNode answer = reviews.body();
    if (answer != null) {
      ObjectNode part = page.putObject("reviews");
      part.put("version", answer.path("version").asText("unknown"));
      part.put("instance", answer.path("instance").asText(""));
      JsonNode ratings = answer.path("ratings");
      if (ratings.has("version")) {
        ObjectNode r = part.putObject("ratings");
        r.put("version", ratings.path("version").asText());
        r.put("stars", ratings.path("stars").asInt());
        r.put("color", ratings.path("color").asText());
      } else if (ratings.has("error")) {
        part.put("ratingsError", ratings.path("error").asText());
      }
      answer.path("errors").forEach(errors::add);
    } else {
      errors.add(Objects.requireNonNull(reviews.error()));
    }
    page.set("errors", errors);
    Exchanges.send(exchange, 200, page);
  }
}
