package dev.meshlet.agent.client;

import java.io.IOException;

/**
 * A declarative client method got a response outside 2xx; it carries the status and the start of
 * the body. Methods that return {@code okhttp3.Response} get the response instead.
 */
public final class HttpStatusException extends IOException {
  private final int status;
  private final String body;

  public HttpStatusException(String method, String url, int status, String body) {
    super(method + " " + url + " answered " + status + (body.isEmpty() ? "" : ": " + body));
    this.status = status;
    this.body = body;
  }

  public int status() {
    return status;
  }

  /** The body, cut at 1 KiB. */
  public String body() {
    return body;
  }
}
