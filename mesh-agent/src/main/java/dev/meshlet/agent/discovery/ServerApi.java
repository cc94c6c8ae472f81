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

  /** The clients for one credential: calls, answers (which may wait longer), and the stream. */
  record Clients(OkHttpClient http, OkHttpClient ackHttp, OkHttpClient watchHttp) {}

  private final @Nullable String token;
  private volatile Clients clients;
  /** Once the workload holds a certificate its clients present it and the token stays home. */
  private volatile boolean mtls;

  ServerApi(Clients clients, @Nullable String token, boolean mtls) {
    this.clients = clients;
    this.token = token;
    this.mtls = mtls;
  }

  /** From now on, proves the workload with the client certificate {@code clients} present (mTLS). */
  void useClientCertificate(Clients clients) {
    this.clients = clients;
    this.mtls = true;
  }

  boolean usesClientCertificate() {
    return mtls;
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
        new Request.Builder().url(server + "/v1/registrations/" + leaseId).delete().build());
  }

  void ack(String server, Ack ack) throws IOException {
    call(clients.ackHttp(), (ack.isNack() ? "NACK" : "ACK") + " version " + ack.version(), server,
        post(server + "/v1/ack", ProtocolJson.write(ack)));
  }

  /** The mesh's trust bundle as the server has it now (PEM; no credential needed). */
  String roots(String server) throws IOException {
    return call(clients.http(), "read the trust bundle", server, new Request.Builder().url(server + "/v1/ca/roots").build());
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
    Request.Builder r = new Request.Builder().url(url.build()).header("Accept", "application/x-ndjson");
    return clients.watchHttp().newCall(authorized(r, mtls).build());
  }

  private static Request post(String url, String json) {
    return new Request.Builder().url(url).post(RequestBody.create(json, JSON)).build();
  }

  /** The bearer token goes only where no client certificate proves the workload. */
  private Request.Builder authorized(Request.Builder r, boolean mtls) {
    return mtls || token == null ? r : r.header("Authorization", "Bearer " + token);
  }

  private String call(String what, String server, Request request) throws IOException {
    return call(clients.http(), what, server, request);
  }

  private String call(OkHttpClient client, String what, String server, Request request) throws IOException {
    boolean certificate = mtls;
    try {
      return execute(client, what, server, authorized(request.newBuilder(), certificate).build());
    } catch (Refused e) {
      if (!certificate || e.status != 401 || token == null) {
        throw e;
      }
      // The certificate proves nothing there (expired while the process was paused, or a root the
      // server does not know yet): the bootstrap token still does.
      return execute(client, what, server, authorized(request.newBuilder(), false).build());
    }
  }

  private static String execute(OkHttpClient client, String what, String server, Request request) throws IOException {
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
