package dev.meshlet.examples.bookinfo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;

/** Bookinfo's ratings service: {@code GET /ratings/ID} answers each reviewer's stars. */
public final class Ratings implements HttpHandler {

  /** The stars Reviewer1 gives. */
  public static final int REVIEWER1_STARS = 5;

  /** The stars Reviewer2 gives. */
  public static final int REVIEWER2_STARS = 4;

  private final String version;

  /** Ratings of {@code version}. */
  public Ratings(String version) {
    this.version = version;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    Integer id = Exchanges.idAfter(exchange, "/ratings/");
    if (id == null) {
      Exchanges.error(exchange, 404, "no such path: " + exchange.getRequestURI().getPath() + " (expected: /ratings/ID)");
      return;
    }
    ObjectNode body = Exchanges.JSON.createObjectNode();
    body.put("id", id);
    body.put("version", version);
    ObjectNode ratings = body.putObject("ratings");
    ratings.put("Reviewer1", REVIEWER1_STARS);
    ratings.put("Reviewer2", REVIEWER2_STARS);
    Exchanges.send(exchange, 200, body);
  }
}
