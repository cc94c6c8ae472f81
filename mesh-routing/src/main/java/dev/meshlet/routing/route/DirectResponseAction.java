package dev.meshlet.routing.route;

import dev.meshlet.core.config.networking.HttpDirectResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/** A route's direct response, compiled: a fixed status and body, no upstream call. */
public final class DirectResponseAction {
  private final int status;
  private final byte[] body;
  private final @Nullable MediaType type;

  private DirectResponseAction(int status, byte[] body, @Nullable MediaType type) {
    this.status = status;
    this.body = body;
    this.type = type;
  }

  public static @Nullable DirectResponseAction compile(@Nullable HttpDirectResponse d) {
    if (d == null) {
      return null;
    }
    int status = d.status() == null ? 200 : d.status();
    byte[] body = new byte[0];
    MediaType type = null;
    if (d.body() != null && d.body().string() != null) {
      body = d.body().string().getBytes(StandardCharsets.UTF_8);
    } else if (d.body() != null && d.body().bytes() != null) {
      body = Base64.getDecoder().decode(d.body().bytes());
      type = MediaType.get("application/octet-stream");
    }
    return new DirectResponseAction(status, body, type);
  }

  public Response respond(Request request, @Nullable String routeName) {
    return Synthetic.response(request, status, body, type, routeName, null).build();
  }
}
