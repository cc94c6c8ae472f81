package dev.meshlet.routing.route;

import dev.meshlet.routing.MeshHeaders;
import dev.meshlet.routing.ResponseFlag;
import okhttp3.MediaType;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;

/** Responses the mesh makes itself, without calling anyone (direct responses, redirects, aborts). */
public final class Synthetic {
  private static final MediaType TEXT = MediaType.get("text/plain; charset=utf-8");

  private Synthetic() {}

  /** A response to {@code request} with {@code code} and {@code body}, marked with the route and flag when given. */
  public static Response.Builder response(Request request, int code, byte[] body, @Nullable MediaType type,
      @Nullable String route, @Nullable ResponseFlag flag) {
    Response.Builder b = new Response.Builder()
        .request(request)
        .protocol(Protocol.HTTP_1_1)
        .code(code)
        .message(reason(code))
        .body(ResponseBody.create(body, type == null ? TEXT : type));
    long now = System.currentTimeMillis();
    b.sentRequestAtMillis(now).receivedResponseAtMillis(now);
    if (route != null) {
      b.header(MeshHeaders.ROUTE, route);
    }
    if (flag != null) {
      b.header(MeshHeaders.RESPONSE_FLAGS, flag.name());
    }
    return b;
  }

  static String reason(int code) {
    return switch (code) {
      case 200 -> "OK";
      case 301 -> "Moved Permanently";
      case 302 -> "Found";
      case 303 -> "See Other";
      case 307 -> "Temporary Redirect";
      case 308 -> "Permanent Redirect";
      case 400 -> "Bad Request";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> "";
    };
  }
}
