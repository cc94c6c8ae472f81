package dev.meshlet.agent.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshlet.core.protocol.Ack;
import dev.meshlet.core.protocol.LeaseGrant;
import dev.meshlet.core.protocol.ProtocolJson;
import dev.meshlet.core.protocol.Registration;
import java.io.IOException;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/** The server's agent-facing endpoints over OkHttp: register, renew, deregister, ACK, watch. */
final class ServerApi {
  private static final MediaType JSON = MediaType.get("application/json");

  /** The server answered, and refused: {@code status} says how (404 for a lease it does not know). */
  static final class Refused extends IOException {
    final int status;

    Refused(String what, String server, int status, String body) {
      super(what + " at " + server + ": HTTP " + status + " " + errorOf(body));
      this.status = status;
    }

    boolean leaseGone() {
      return status == 404;
    }
  }

  private final OkHttpClient http;
  private final OkHttpClient ackHttp;
  private final OkHttpClient watchHttp;
  private final String token;

  ServerApi(OkHttpClient http, OkHttpClient ackHttp, OkHttpClient watchHttp, String token) {
    this.http = http;
    this.ackHttp = ackHttp;
    this.watchHttp = watchHttp;
    this.token = token;
  }

  LeaseGrant register(String server, Registration registration) throws IOException {
    return ProtocolJson.read(call("register", server, post(server + "/v1/registrations", ProtocolJson.write(registration))),
        LeaseGrant.class);
  }

  LeaseGrant renew(String server, String leaseId) throws IOException {
    return ProtocolJson.read(call("renew lease " + leaseId, server,
        post(server + "/v1/registrations/" + leaseId + "/renew", "")), LeaseGrant.class);
  }

  void deregister(String server, String leaseId) throws IOException {
    call("deregister lease " + leaseId, server,
        authorized(server + "/v1/registrations/" + leaseId).delete().build());
  }

  void ack(String server, Ack ack) throws IOException {
    call(ackHttp, (ack.isNack() ? "NACK" : "ACK") + " version " + ack.version(), server,
        post(server + "/v1/ack", ProtocolJson.write(ack)));
  }

  /** The response header of a watch that names the server's store history. */
  static final String STORE_HEADER = "Meshlet-Store";

  /**
   * The watch call, not yet executed, so that whoever holds it can cancel it. {@code store} is the
   * history {@code since} counts in, when it came from another server: the server resumes only
   * when it shares that history (replicas over one etcd) and sends a full view otherwise.
   */
  Call watch(String server, String leaseId, @Nullable Long since, @Nullable String store) {
    HttpUrl.Builder url = HttpUrl.get(server + "/v1/watch").newBuilder().addQueryParameter("lease", leaseId);
    if (since != null) {
      url.addQueryParameter("since", Long.toString(since));
      if (store != null) {
        url.addQueryParameter("store", store);
      }
    }
    return watchHttp.newCall(authorized(url.build().toString()).header("Accept", "application/x-ndjson").build());
  }

  private Request post(String url, String json) {
    return authorized(url).post(RequestBody.create(json, JSON)).build();
  }

  private Request.Builder authorized(String url) {
    return new Request.Builder().url(url).header("Authorization", "Bearer " + token);
  }

  private String call(String what, String server, Request request) throws IOException {
    return call(http, what, server, request);
  }

  private static String call(OkHttpClient client, String what, String server, Request request) throws IOException {
    try (Response r = client.newCall(request).execute()) {
      String body = r.body().string();
      if (!r.isSuccessful()) {
        throw new Refused(what, server, r.code(), body);
      }
      return body;
    }
  }

  /** The server's {@code error} field, or the body itself when it is not the protocol's error. */
  static String errorOf(String body) {
    try {
      JsonNode n = ProtocolJson.mapper().readTree(body);
      if (n != null && n.hasNonNull("error")) {
        return n.get("error").asText();
      }
    } catch (IOException | RuntimeException e) {
      // not JSON: say what came
    }
    return body.length() > 200 ? body.substring(0, 200) + "..." : body;
  }
}
