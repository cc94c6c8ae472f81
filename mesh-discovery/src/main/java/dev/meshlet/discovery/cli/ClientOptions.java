package dev.meshlet.discovery.cli;

import dev.meshlet.core.protocol.ApiError;
import dev.meshlet.core.protocol.ProtocolJson;
import dev.meshlet.discovery.api.DiscoveryServer;
import dev.meshlet.discovery.auth.Tokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.meshlet.discovery.ca.CaService;
import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.identity.TrustDomain;
import dev.meshlet.tls.identity.WorkloadIdentity;
import dev.meshlet.tls.pki.Pem;
import dev.meshlet.tls.pki.TrustBundle;
import dev.meshlet.tls.verify.AllowedPeers;
import dev.meshlet.tls.verify.MeshHostnameVerifier;
import dev.meshlet.tls.verify.SpiffeTrustManager;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * How a command reaches a server: {@code --server URL} (or MESHLET_SERVER), the mesh root for
 * https from {@code --ca-file FILE} (or MESHLET_CA_FILE), the admin token from
 * {@code --token-file FILE} (or MESHLET_TOKEN), or both found in {@code --data DIR} of a local
 * server. Mixed into each subcommand, so the options go after it in any order.
 */
final class ClientOptions {
  static final MediaType JSON = MediaType.get("application/json");

  @Option(names = "--server", paramLabel = "URL", description = "The discovery server (default: MESHLET_SERVER, or the URL in DIR of --data, or http://127.0.0.1:15010).")
  @Nullable String server;

  @Option(names = "--token-file", paramLabel = "FILE", description = "A file holding the admin token (default: MESHLET_TOKEN, or DIR/admin-token of --data).")
  @Nullable Path tokenFile;

  @Option(names = "--data", paramLabel = "DIR", description = "The data directory of a local server: its URL and admin token are found there.")
  @Nullable Path data;

  @Option(names = "--ca-file", paramLabel = "FILE", description = "The mesh root certificate(s) to verify an https server with (default: MESHLET_CA_FILE, or DIR/ca/root-cert.pem of --data).")
  @Nullable Path caFile;

  /** Environment, replaceable for tests. */
  Map<String, String> env = System.getenv();

  private @Nullable OkHttpClient client;

  HttpUrl url(String path) {
    String base = server;
    if (base == null && data != null) {
      Path file = data.resolve(DiscoveryServer.SERVER_FILE);
      if (Files.exists(file)) {
        try {
          base = Files.readString(file).trim();
        } catch (IOException e) {
          throw new CliException("cannot read " + file + ": " + e.getMessage());
        }
      }
    }
    if (base == null) {
      base = env.get("MESHLET_SERVER");
    }
    if (base == null || base.isBlank()) {
      if (data != null) {
        throw new CliException("no server is running on " + data + " (no " + data.resolve(DiscoveryServer.SERVER_FILE)
            + "); start one with 'meshctl server --data " + data + "' or give --server URL");
      }
      base = "http://127.0.0.1:" + DiscoveryServer.DEFAULT_PORT;
    }
    HttpUrl u = HttpUrl.parse(base.replaceAll("/+$", "") + path);
    if (u == null) {
      throw new CliException("--server: \"" + base + "\" is not a URL (expected: http://HOST:PORT)");
    }
    return u;
  }

  @Nullable String token() {
    try {
      if (tokenFile != null) {
        return Tokens.readTokenFile(tokenFile);
      }
      String t = env.get("MESHLET_TOKEN");
      if (t != null && !t.isBlank()) {
        return t.trim();
      }
      if (data != null && Files.exists(data.resolve(Tokens.ADMIN_TOKEN_FILE))) {
        return Tokens.readTokenFile(data.resolve(Tokens.ADMIN_TOKEN_FILE));
      }
      return null;
    } catch (IOException e) {
      throw new CliException("cannot read the token: " + e.getMessage());
    }
  }

  /** A call's outcome: its status and body. */
  record Reply(int status, String body) {
    boolean ok() {
      return status / 100 == 2;
    }

    /** The server's error, or a made-up one when the body is not an ApiError. */
    ApiError error() {
      try {
        return ProtocolJson.read(body, ApiError.class);
      } catch (IllegalArgumentException e) {
        return ApiError.of("HTTP " + status + ": " + body.strip());
      }
    }
  }

  Reply call(String method, String path, @Nullable Object jsonBody) {
    Request.Builder b = new Request.Builder().url(url(path));
    String token = token();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    RequestBody body = jsonBody == null ? null : RequestBody.create(ProtocolJson.write(jsonBody), JSON);
    b.method(method, body == null && method.equals("POST") ? RequestBody.create(new byte[0], JSON) : body);
    Request request = b.build();
    try (Response response = client().newCall(request).execute()) {
      return new Reply(response.code(), response.body().string());
    } catch (IOException e) {
      throw new CliException("cannot reach the server at " + request.url().newBuilder().encodedPath("/").build()
          + ": " + e.getMessage() + " (is 'meshctl server' running? --server URL, MESHLET_SERVER or --data DIR)");
    }
  }

  /** The body of a successful call, or a CliException with the server's error. */
  String expectOk(Reply r) {
    if (!r.ok()) {
      throw new CliException(r.error().error());
    }
    return r.body();
  }

  private OkHttpClient client() {
    if (client == null) {
      OkHttpClient.Builder b = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(60));
      if (url("/").isHttps()) {
        tls(b);
      }
      client = b.build();
    }
    return client;
  }

  /**
   * Trusts the mesh root only, and only a server whose certificate carries the discovery
   * server's SPIFFE ID (it has no DNS name, as mesh certificates do not).
   */
  private void tls(OkHttpClient.Builder b) {
    Path roots = caFile;
    if (roots == null && env.get("MESHLET_CA_FILE") != null) {
      roots = Path.of(env.get("MESHLET_CA_FILE"));
    }
    if (roots == null && data != null) {
      roots = data.resolve("ca").resolve("root-cert.pem");
    }
    if (roots == null || !Files.exists(roots)) {
      throw new CliException("the server speaks https; give the mesh root certificate with --ca-file FILE,"
          + " MESHLET_CA_FILE or --data DIR" + (roots == null ? "" : " (no file " + roots + ")"));
    }
    try {
      TrustBundle bundle = TrustBundle.of(TrustDomain.DEFAULT, Pem.readCertificates(Files.readString(roots), roots.toString()));
      SpiffeId server = new WorkloadIdentity(TrustDomain.DEFAULT, CaService.SERVER_NAMESPACE, CaService.SERVER_SERVICE_ACCOUNT).spiffeId();
      SpiffeTrustManager trust = new SpiffeTrustManager(() -> bundle, Clock.systemUTC(), AllowedPeers.any(),
          host -> AllowedPeers.only(server));
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {trust}, null);
      b.sslSocketFactory(context.getSocketFactory(), trust)
          .hostnameVerifier(new MeshHostnameVerifier(host -> AllowedPeers.only(server)));
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw new CliException("cannot use " + roots + " as the mesh root: " + e.getMessage());
    }
  }

  void close() {
    if (client != null) {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }
}
