package dev.meshlet.examples.bookinfo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshlet.routing.MeshCallException;
import dev.meshlet.routing.MeshHeaders;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * One call from a Bookinfo service to a peer through the mesh client: the peer's JSON, or an
 * entry for the caller's {@code errors} naming the service, the status and Meshlet's response
 * flag (as Bookinfo's "reviews unavailable").
 *
 * @param body the peer's answer, or null when the call failed
 * @param error what went wrong, or null when it succeeded
 */
record PeerCall(@Nullable JsonNode body, @Nullable ObjectNode error) {

  /**
   * Calls {@code url} of {@code service} with {@code headers} on {@code client}, whose call timeout
   * is {@code timeout}, trying {@code tries} times in all when a try times out (the application's
   * own timeout, as Bookinfo's productpage has; mesh retries come from the VirtualService).
   */
  static PeerCall get(OkHttpClient client, String service, String url, Map<String, String> headers, Duration timeout,
      int tries) {
    Request.Builder request = new Request.Builder().url(url);
    headers.forEach(request::header);
    PeerCall last = failure(service, 0, "-", "not called");
    for (int i = 0; i < tries; i++) {
      try (Response response = client.newCall(request.build()).execute()) {
        String flags = response.header(MeshHeaders.RESPONSE_FLAGS, "-");
        String text = response.body().string();
        if (!response.isSuccessful()) {
          return failure(service, response.code(), flags, service + " answered " + response.code());
        }
        return new PeerCall(Exchanges.JSON.readTree(text), null);
      } catch (MeshCallException e) {
        return failure(service, 0, e.flag().name(), e.getMessage());
      } catch (InterruptedIOException e) {
        last = failure(service, 0, "-", service + " did not answer within " + timeout.toMillis() + " ms"
            + (tries > 1 ? " (" + tries + " tries)" : ""));
      } catch (IOException e) {
        return failure(service, 0, "-", service + ": " + e.getMessage());
      }
    }
    return last;
  }

  private static PeerCall failure(String service, int status, String flag, @Nullable String message) {
    ObjectNode error = Exchanges.JSON.createObjectNode();
    error.put("service", service);
    error.put("status", status);
    error.put("flag", flag);
    error.put("message", message == null ? "" : message);
    return new PeerCall(null, error);
  }
}
