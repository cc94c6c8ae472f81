package dev.meshlet.routing.route;

import dev.meshlet.core.config.networking.Headers;
import java.util.List;
import java.util.Map;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * Header edits of a route or destination, compiled: for the request and for the response, remove
 * first, then set (replacing), then add (appending), as Envoy applies them.
 */
public final class HeaderEdits {
  /** Edits nothing. */
  public static final HeaderEdits NONE = new HeaderEdits(Ops.NONE, Ops.NONE);

  private final Ops request;
  private final Ops response;

  private HeaderEdits(Ops request, Ops response) {
    this.request = request;
    this.response = response;
  }

  public static HeaderEdits compile(@Nullable Headers headers) {
    if (headers == null) {
      return NONE;
    }
    Ops req = Ops.of(headers.request());
    Ops res = Ops.of(headers.response());
    return req == Ops.NONE && res == Ops.NONE ? NONE : new HeaderEdits(req, res);
  }

  public boolean editsRequest() {
    return request != Ops.NONE;
  }

  public boolean editsResponse() {
    return response != Ops.NONE;
  }

  public void applyTo(Request.Builder b) {
    for (String name : request.remove) {
      b.removeHeader(name);
    }
    request.set.forEach(b::header);
    request.add.forEach(b::addHeader);
  }

  public void applyTo(Response.Builder b) {
    for (String name : response.remove) {
      b.removeHeader(name);
    }
    response.set.forEach(b::header);
    response.add.forEach(b::addHeader);
  }

  private record Ops(Map<String, String> set, Map<String, String> add, List<String> remove) {
    static final Ops NONE = new Ops(Map.of(), Map.of(), List.of());

    static Ops of(Headers.@Nullable HeaderOperations ops) {
      if (ops == null || ops.set().isEmpty() && ops.add().isEmpty() && ops.remove().isEmpty()) {
        return NONE;
      }
      return new Ops(ops.set(), ops.add(), ops.remove());
    }
  }
}
