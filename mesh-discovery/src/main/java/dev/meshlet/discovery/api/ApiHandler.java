package dev.meshlet.discovery.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshlet.core.config.Kind;
import dev.meshlet.core.config.ResourceId;
import dev.meshlet.core.protocol.Ack;
import dev.meshlet.core.protocol.ApiError;
import dev.meshlet.core.protocol.ProtocolJson;
import dev.meshlet.core.protocol.Registration;
import dev.meshlet.discovery.DiscoveryException;
import dev.meshlet.discovery.auth.Authenticator;
import dev.meshlet.discovery.auth.Principal;
import dev.meshlet.discovery.auth.Tokens;
import dev.meshlet.discovery.ca.CaService;
import dev.meshlet.tls.ca.IssuedCertificate;
import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.pki.Pem;
import java.time.Duration;
import javax.net.ssl.SSLSession;
import org.eclipse.jetty.io.EndPoint;
import dev.meshlet.discovery.push.PushHub;
import dev.meshlet.discovery.registry.LeaseRegistry;
import dev.meshlet.discovery.store.Change;
import dev.meshlet.discovery.store.DiscoveryStore;
import dev.meshlet.discovery.store.Registered;
import dev.meshlet.discovery.store.TokenGrant;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes the API's requests; every error is an {@link ApiError} with a status that fits. */
final class ApiHandler extends Handler.Abstract {
  static final int MAX_BODY_BYTES = 8 * 1024 * 1024;
  /** The header an agent may use instead of {@code ?since=} to say which version it has. */
  static final String SINCE_HEADER = "Meshlet-Since";
  /**
   * The watch response header naming the store's history ({@link DiscoveryStore#id()}); an agent
   * that sends it back as {@code ?store=} may resume here from a version another replica sent.
   */
  static final String STORE_HEADER = "Meshlet-Store";

  private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);
  private static final String JSON = "application/json";

  private final Authenticator auth;
  private final DiscoveryStore store;
  private final ConfigApi config;
  private final LeaseRegistry registry;
  private final PushHub hub;
  private final CaService ca;

  ApiHandler(Authenticator auth, DiscoveryStore store, ConfigApi config, LeaseRegistry registry, PushHub hub,
      CaService ca) {
    this.ca = ca;
    this.auth = auth;
    this.store = store;
    this.config = config;
    this.registry = registry;
    this.hub = hub;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String method = request.getMethod();
    String path = Request.getPathInContext(request);
    List<String> parts = List.of(path.replaceAll("^/+|/+$", "").split("/+"));
    try {
      route(method, parts, request, response, callback);
    } catch (DiscoveryException e) {
      error(response, callback, e.status(), ApiError.of(e.getMessage()));
    } catch (ConfigApi.Refused e) {
      error(response, callback, 422, e.error);
    } catch (IllegalArgumentException e) {
      error(response, callback, 400, ApiError.of(e.getMessage()));
    } catch (IOException e) {
      log.warn("{} {} failed", method, path, e);
      error(response, callback, 500, ApiError.of("the server could not store the change: " + e.getMessage()));
    } catch (RuntimeException e) {
      log.error("{} {} failed", method, path, e);
      error(response, callback, 500, ApiError.of("internal error: " + e));
    }
    return true;
  }

  private void route(String method, List<String> p, Request request, Response response, Callback callback)
      throws IOException, ConfigApi.Refused {
    String first = p.get(0);
    if (first.equals("healthz") && p.size() == 1) {
      json(response, callback, 200, Map.of("status", "ok", "version", store.state().version()));
      return;
    }
    if (!first.equals("v1") || p.size() < 2) {
      throw DiscoveryException.notFound("no such endpoint: " + method + " " + Request.getPathInContext(request)
          + " (see docs/protocol.md)");
    }
    String what = p.get(1);
    switch (what) {
      case "config" -> configRoute(method, p, request, response, callback);
      case "tokens" -> {
        expect(method, "POST", p, 2);
        admin(request, "create a token");
        TokenRequest tr = ProtocolJson.read(body(request), TokenRequest.class);
        if (tr.serviceAccount() == null || tr.serviceAccount().isBlank()) {
          throw DiscoveryException.badRequest("token: serviceAccount is required");
        }
        String ns = tr.namespace() == null || tr.namespace().isBlank() ? "default" : tr.namespace();
        String token = Tokens.newToken("mlb_");
        var s = store.commit(new Change.GrantToken(new TokenGrant(Tokens.sha256(token), tr.serviceAccount(), ns,
            Instant.now().toString())));
        json(response, callback, 201, Map.of("token", token, "serviceAccount", tr.serviceAccount(), "namespace", ns,
            "principal", new Principal.Workload(tr.serviceAccount(), ns).toString(), "version", s.version()));
      }
      case "registrations" -> {
        Principal caller = caller(request, "register a workload");
        if (p.size() == 2 && method.equals("POST")) {
          Registration reg = ProtocolJson.read(body(request), Registration.class);
          json(response, callback, 201, registry.register(reg, caller));
        } else if (p.size() == 4 && p.get(3).equals("renew") && method.equals("POST")) {
          json(response, callback, 200, registry.renew(p.get(2), caller));
        } else if (p.size() == 3 && method.equals("DELETE")) {
          json(response, callback, 200, Map.of("version", registry.deregister(p.get(2), caller)));
        } else {
          throw unknown(method, p);
        }
      }
      case "watch" -> {
        expect(method, "GET", p, 2);
        watch(request, response, callback);
      }
      case "ack" -> {
        expect(method, "POST", p, 2);
        Principal caller = caller(request, "acknowledge");
        Ack ack = ProtocolJson.read(body(request), Ack.class);
        registry.owned(ack.leaseId(), caller);
        // Answered from the push thread once recorded; this thread goes back to the pool now.
        hub.ack(ack, refused -> {
          if (refused == null) {
            json(response, callback, 200, Map.of("leaseId", ack.leaseId(), "version", ack.version(),
                "recorded", ack.isNack() ? "NACK" : "ACK"));
          } else {
            error(response, callback, refused.status(), ApiError.of(refused.getMessage()));
          }
        });
      }
      case "certificates" -> certificates(method, p, request, response, callback);
      case "ca" -> {
        if (method.equals("POST") && p.size() == 3 && p.get(2).equals("rotate")) {
          admin(request, "rotate the mesh root");
          if (store.shared()) {
            // Over etcd the CA is shared: rotating one replica's copy would split the mesh in two.
            throw new DiscoveryException(409, "root rotation is not supported with the etcd store yet: every replica"
                + " signs with the CA stored in etcd (see docs/ha.md, Not done)");
          }
          var bundle = ca.rotateRoot();
          json(response, callback, 200, Map.of("roots", bundle.roots().size(), "rootCertificates", bundle.toPem()));
          return;
        }
        expect(method, "GET", p, 3);
        if (!p.get(2).equals("roots")) {
          throw unknown(method, p);
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/x-pem-file");
        response.write(true, ByteBuffer.wrap(ca.rootsPem().getBytes(StandardCharsets.UTF_8)), callback);
      }
      case "agents" -> {
        // GET /v1/agents/NAMESPACE/NAME/config: what that agent was sent, and what it answered.
        if (!method.equals("GET") || p.size() != 5 || !p.get(4).equals("config")) {
          throw unknown(method, p);
        }
        admin(request, "read an agent's config");
        json(response, callback, 200, hub.configDump(p.get(2), p.get(3)));
      }
      case "status" -> {
        expect(method, "GET", p, 2);
        admin(request, "read status");
        json(response, callback, 200, hub.status());
      }
      default -> throw unknown(method, p);
    }
  }

  /** The body of {@code POST /v1/config} as JSON: several named files applied as one batch. */
  record ApplyRequest(List<ConfigApi.Source> files) {}

  /**
   * The files of an apply: a JSON body {@code {"files":[{"name":..,"content":..}]}}, or the body
   * itself as YAML named by {@code ?source=} (as {@code curl --data-binary @rules.yaml} sends it).
   */
  private static List<ConfigApi.Source> sources(Request request) throws IOException {
    String body = body(request);
    String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    if (type != null && type.startsWith(JSON) && isFileList(body)) {
      ApplyRequest r = ProtocolJson.read(body, ApplyRequest.class);
      if (r.files() == null || r.files().isEmpty()) {
        throw DiscoveryException.badRequest("apply: files is empty (expected at least one {name, content})");
      }
      return r.files();
    }
    String source = Request.extractQueryParameters(request).getValue("source");
    return List.of(new ConfigApi.Source(source == null || source.isBlank() ? "request" : source, body));
  }

  private static boolean isFileList(String body) {
    try {
      JsonNode n = ProtocolJson.mapper().readTree(body);
      return n != null && n.isObject() && n.has("files") && !n.has("kind");
    } catch (IOException e) {
      return false; // not JSON: the reader reports it as a document
    }
  }

  /**
   * The body of {@code POST /v1/certificates}: a PEM CSR, an optional lifetime, and (for the
   * admin only, or to name the caller's own identity) the identity to sign for.
   */
  record CertificateRequest(@Nullable String csr, @Nullable Long ttlSeconds, @Nullable String serviceAccount,
      @Nullable String namespace) {}

  private void certificates(String method, List<String> p, Request request, Response response, Callback callback)
      throws IOException {
    if (method.equals("GET") && p.size() == 4) {
      admin(request, "read certificates");
      SpiffeId id = ca.identity(p.get(2), p.get(3));
      CaService.Issued issued = ca.lastIssued(id).orElseThrow(() -> DiscoveryException.notFound(
          "no certificate was ever issued to " + id));
      json(response, callback, 200, certificateJson(id, issued.chain()));
      return;
    }
    expect(method, "POST", p, 2);
    Principal caller = caller(request, "get a certificate");
    CertificateRequest cr = ProtocolJson.read(body(request), CertificateRequest.class);
    if (cr.csr() == null || cr.csr().isBlank()) {
      throw DiscoveryException.badRequest("certificate request: csr is required (a PEM CERTIFICATE REQUEST)");
    }
    SpiffeId proven;
    if (caller instanceof Principal.Workload w) {
      proven = ca.identity(w.namespace(), w.serviceAccount());
      String askedSa = cr.serviceAccount() == null ? w.serviceAccount() : cr.serviceAccount();
      String askedNs = cr.namespace() == null ? w.namespace() : cr.namespace();
      if (!askedSa.equals(w.serviceAccount()) || !askedNs.equals(w.namespace())) {
        throw DiscoveryException.forbidden("the credential proves " + proven + " and cannot get a certificate for "
            + ca.identity(askedNs, askedSa));
      }
    } else {
      if (cr.serviceAccount() == null || cr.serviceAccount().isBlank()) {
        throw DiscoveryException.badRequest("certificate request with the admin token: serviceAccount is required");
      }
      proven = ca.identity(cr.namespace() == null || cr.namespace().isBlank() ? "default" : cr.namespace(),
          cr.serviceAccount());
    }
    Duration ttl = cr.ttlSeconds() == null ? null : Duration.ofSeconds(cr.ttlSeconds());
    IssuedCertificate issued = ca.sign(cr.csr(), proven, ttl);
    json(response, callback, 201, certificateJson(proven, issued.chain()));
  }

  private Map<String, Object> certificateJson(SpiffeId id, List<java.security.cert.X509Certificate> chain) {
    java.security.cert.X509Certificate leaf = chain.get(0);
    return Map.of(
        "spiffeId", id.toString(),
        "serialNumber", leaf.getSerialNumber().toString(16),
        "notBefore", leaf.getNotBefore().toInstant().toString(),
        "notAfter", leaf.getNotAfter().toInstant().toString(),
        "certificateChain", Pem.certificates(chain),
        "rootCertificates", ca.rootsPem());
  }

  /** The body of {@code POST /v1/tokens}. */
  record TokenRequest(@Nullable String serviceAccount, @Nullable String namespace) {}

  private void configRoute(String method, List<String> p, Request request, Response response, Callback callback)
      throws IOException, ConfigApi.Refused {
    switch (method) {
      case "POST", "PUT" -> {
        expect(method, method, p, 2);
        admin(request, "apply config");
        json(response, callback, 200, config.apply(sources(request)));
      }
      case "GET" -> {
        admin(request, "read config");
        if (p.size() < 3 || p.size() > 5) {
          throw DiscoveryException.badRequest("GET /v1/config/KIND[/NAMESPACE[/NAME]] (got /" + String.join("/", p) + ")");
        }
        Kind kind = ConfigApi.kind(p.get(2));
        String ns = p.size() >= 4 ? p.get(3) : Request.extractQueryParameters(request).getValue("namespace");
        String name = p.size() == 5 ? p.get(4) : null;
        List<ObjectNode> items = config.get(kind, ns, name);
        ObjectNode out = ProtocolJson.mapper().createObjectNode();
        out.put("version", store.state().version());
        out.putArray("items").addAll(items);
        json(response, callback, 200, out);
      }
      case "DELETE" -> {
        admin(request, "delete config");
        if (p.size() != 5) {
          throw DiscoveryException.badRequest("DELETE /v1/config/KIND/NAMESPACE/NAME (got /" + String.join("/", p) + ")");
        }
        long v = config.delete(new ResourceId(ConfigApi.kind(p.get(2)), p.get(3), p.get(4)));
        json(response, callback, 200, Map.of("version", v));
      }
      default -> throw unknown(method, p);
    }
  }

  private void watch(Request request, Response response, Callback callback) {
    Principal caller = caller(request, "watch");
    Fields q = Request.extractQueryParameters(request);
    String lease = q.getValue("lease");
    if (lease == null || lease.isBlank()) {
      throw DiscoveryException.badRequest("watch: ?lease=LEASE_ID is required (register first)");
    }
    Registered reg = registry.owned(lease, caller);
    String sinceText = q.getValue("since");
    if (sinceText == null) {
      sinceText = request.getHeaders().get(SINCE_HEADER);
    }
    Long since = null;
    if (sinceText != null && !sinceText.isBlank()) {
      try {
        since = Long.parseLong(sinceText.trim());
      } catch (NumberFormatException e) {
        throw DiscoveryException.badRequest("since: \"" + sinceText + "\" (expected: a version number)");
      }
      if (since < 0) {
        throw DiscoveryException.badRequest("since: " + since + " (expected: 0 or more)");
      }
      // A version from another store's history means nothing here: start with a full view.
      String from = q.getValue("store");
      if (from != null && !from.equals(store.id())) {
        since = null;
      }
    }
    response.setStatus(200);
    response.getHeaders().put(STORE_HEADER, store.id());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/x-ndjson");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
    WatchStream stream = new WatchStream(lease, response, callback, s -> hub.closed(lease, s));
    request.addFailureListener(stream::abortStream);
    hub.open(reg, since, stream);
  }

  private Principal caller(Request request, String action) {
    return auth.authenticate(request.getHeaders().get(HttpHeader.AUTHORIZATION), session(request))
        .orElseThrow(() -> new DiscoveryException(401, "to " + action + " the server needs a credential:"
            + " send 'Authorization: Bearer TOKEN' with the admin token or a bootstrap token"
            + " (meshctl: --token-file FILE, MESHLET_TOKEN or --data DIR), or a client certificate from the mesh CA"));
  }

  private static @Nullable SSLSession session(Request request) {
    return request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE) instanceof EndPoint.SslSessionData d
        ? d.sslSession()
        : null;
  }

  private void admin(Request request, String action) {
    Principal p = caller(request, action);
    if (!(p instanceof Principal.Admin)) {
      throw DiscoveryException.forbidden("to " + action + " needs the admin token; the token given is " + p + "'s bootstrap token");
    }
  }

  private static void expect(String method, String wanted, List<String> p, int size) {
    if (!method.equals(wanted) || p.size() != size) {
      throw unknown(method, p);
    }
  }

  private static DiscoveryException unknown(String method, List<String> p) {
    return new DiscoveryException(p.size() >= 2 && List.of("config", "tokens", "registrations", "watch", "ack", "status", "certificates", "ca", "agents")
        .contains(p.get(1)) ? 405 : 404, "no such endpoint: " + method + " /" + String.join("/", p) + " (see docs/protocol.md)");
  }

  private static String body(Request request) throws IOException {
    try (InputStream in = Request.asInputStream(request)) {
      byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
      if (bytes.length > MAX_BODY_BYTES) {
        throw DiscoveryException.badRequest("request body over " + MAX_BODY_BYTES + " bytes");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  private static void json(Response response, Callback callback, int status, Object body) {
    byte[] bytes = (body instanceof JsonNode n ? n.toString() : ProtocolJson.write(body)).concat("\n")
        .getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
    response.write(true, ByteBuffer.wrap(bytes), callback);
  }

  private static void error(Response response, Callback callback, int status, ApiError error) {
    if (response.isCommitted()) {
      callback.failed(new IOException(error.error()));
      return;
    }
    json(response, callback, status, error);
  }
}
