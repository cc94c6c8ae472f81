package dev.meshlet.examples.bookinfo;

import dev.meshlet.core.protocol.Ack;
import dev.meshlet.core.protocol.LeaseGrant;
import dev.meshlet.core.protocol.ProtocolJson;
import dev.meshlet.core.protocol.Registration;
import dev.meshlet.core.protocol.WatchEvent;
import dev.meshlet.core.protocol.WatchEventReader;
import dev.meshlet.core.registry.WorkloadInstance;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * Registers one workload with the discovery server, renews its lease, watches config and
 * endpoints into a {@link ServiceMesh} and answers each event with ACK or NACK, as the protocol in
 * {@code docs/protocol.md} describes.
 *
 * <p>The examples' stand-in for the agent's discovery client, until that is merged; it does what
 * the examples need (no disk cache, no certificate signing, plaintext to the server).
 */
public final class DiscoveryLink implements AutoCloseable {

  private static final MediaType JSON = MediaType.get("application/json");

  private final HttpUrl server;
  private final String token;
  private final ServiceMesh mesh;
  private final OkHttpClient http;
  private final CountDownLatch firstUpdate = new CountDownLatch(1);
  private final Thread watcher;
  private volatile boolean closed;
  private volatile @Nullable LeaseGrant lease;
  private volatile long version;

  private DiscoveryLink(HttpUrl server, String token, ServiceMesh mesh) {
    this.server = server;
    this.token = token;
    this.mesh = mesh;
    this.http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(45)).build();
    this.watcher = new Thread(this::run, "meshlet-discovery-" + mesh.self().service());
    this.watcher.setDaemon(true);
  }

  /**
   * Registers {@code mesh}'s workload at {@code server} with the bootstrap {@code token} and starts
   * watching.
   *
   * @throws IOException when the server refuses the registration (the message says why)
   */
  public static DiscoveryLink start(String server, String token, ServiceMesh mesh) throws IOException {
    HttpUrl url = HttpUrl.parse(server);
    if (url == null) {
      throw new IllegalArgumentException("discovery: '" + server + "' (expected: an http URL such as http://127.0.0.1:15010)");
    }
    DiscoveryLink link = new DiscoveryLink(url, Objects.requireNonNull(token, "token"), mesh);
    link.register();
    link.watcher.start();
    return link;
  }

  /** Waits until the first snapshot from the server is in force. */
  public boolean awaitFirstUpdate(Duration timeout) throws InterruptedException {
    return firstUpdate.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The version of the last event applied. */
  public long version() {
    return version;
  }

  private void register() throws IOException {
    WorkloadInstance self = mesh.self();
    Registration registration = new Registration(self.service() + "-" + self.labels().getOrDefault("version", "v1")
        + "-" + self.ports().values().iterator().next(), self.service(), self.namespace(), self.address(), self.ports(),
        self.labels(), self.serviceAccount(), self.locality());
    lease = ProtocolJson.read(post("/v1/registrations", ProtocolJson.write(registration)), LeaseGrant.class);
  }

  private String post(String path, String body) throws IOException {
    Request request = new Request.Builder().url(server.resolve(path)).header("Authorization", "Bearer " + token)
        .post(RequestBody.create(body, JSON)).build();
    try (Response response = http.newCall(request).execute()) {
      String text = response.body().string();
      if (!response.isSuccessful()) {
        throw new IOException("discovery server " + server + path + ": " + response.code() + " " + text);
      }
      return text;
    }
  }

  private void run() {
    long backoff = 200;
    long nextRenew = 0;
    while (!closed) {
      try {
        LeaseGrant grant = Objects.requireNonNull(lease);
        HttpUrl url = server.newBuilder().encodedPath("/v1/watch").addQueryParameter("lease", grant.leaseId())
            .addQueryParameter("since", Long.toString(version)).build();
        Request request = new Request.Builder().url(url).header("Authorization", "Bearer " + token).build();
        try (Response response = http.newCall(request).execute()) {
          if (response.code() == 404) {
            register(); // the lease expired while we were away: register again
            continue;
          }
          if (!response.isSuccessful()) {
            throw new IOException("watch: " + response.code() + " " + response.body().string());
          }
          backoff = 200;
          try (WatchEventReader reader = new WatchEventReader(response.body().byteStream())) {
            WatchEvent event;
            while (!closed && (event = reader.next()) != null) {
              long now = System.nanoTime();
              if (now - nextRenew > 0) {
                renew(grant);
                nextRenew = now + TimeUnit.SECONDS.toNanos(Math.max(1, grant.ttlSeconds() / 3));
              }
              if (event.type() == WatchEvent.Type.HEARTBEAT) {
                continue;
              }
              String error = mesh.apply(event);
              version = event.version();
              post("/v1/ack", ProtocolJson.write(error == null ? Ack.ack(grant.leaseId(), event.version())
                  : Ack.nack(grant.leaseId(), event.version(), error)));
              if (error == null) {
                firstUpdate.countDown();
              }
            }
          }
        }
      } catch (IOException | RuntimeException e) {
        if (closed) {
          return;
        }
        System.err.println(mesh.self().service() + ": discovery: " + e.getMessage() + " (retrying in " + backoff + " ms)");
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException ie) {
          return;
        }
        backoff = Math.min(backoff * 2, 5_000);
      }
    }
  }

  private void renew(LeaseGrant grant) throws IOException {
    post("/v1/registrations/" + grant.leaseId() + "/renew", "");
  }

  /** Stops watching and deregisters the workload. */
  @Override
  public void close() {
    closed = true;
    LeaseGrant grant = lease;
    if (grant != null) {
      Request request = new Request.Builder().url(server.resolve("/v1/registrations/" + grant.leaseId()))
          .header("Authorization", "Bearer " + token).delete().build();
      try (Response ignored = http.newCall(request).execute()) {
        // deregistered, or the server is gone: either way the lease ends
      } catch (IOException ignored) {
        // the server is gone; the lease will expire
      }
    }
    http.dispatcher().cancelAll();
    watcher.interrupt();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}
