package dev.meshlet.examples.bookinfo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;

/** Bookinfo's details service: {@code GET /details/ID} answers the book's facts and who served them. */
public final class Details implements HttpHandler {

  private final String version;

  /** Details of {@code version} (Bookinfo has only v1). */
  public Details(String version) {
    this.version = version;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    Integer id = Exchanges.idAfter(exchange, "/details/");
    if (id == null) {
      Exchanges.error(exchange, 404, "no such path: " + exchange.getRequestURI().getPath() + " (expected: /details/ID)");
      return;
    }
    ObjectNode body = Exchanges.JSON.createObjectNode();
    body.put("id", id);
    body.put("version", version);
    body.put("author", "William Shakespeare");
    body.put("year", 1595);
    body.put("type", "paperback");
    body.put("pages", 200);
    body.put("publisher", "PublisherA");
    body.put("language", "English");
    body.put("ISBN-10", "1234567890");
    body.put("ISBN-13", "123-1234567890");
    Exchanges.send(exchange, 200, body);
  }
}
