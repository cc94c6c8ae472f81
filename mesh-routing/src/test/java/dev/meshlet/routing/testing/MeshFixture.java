package dev.meshlet.routing.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.ResourceReport;
import dev.meshlet.core.config.codec.ConfigReader;
import dev.meshlet.core.config.snapshot.ConfigSnapshot;
import dev.meshlet.routing.CallerIdentity;
import dev.meshlet.routing.MeshRouting;
import dev.meshlet.routing.endpoint.Endpoint;
import dev.meshlet.routing.endpoint.EndpointRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * A mesh with real backends for tests: config from YAML, endpoints from started servers, a
 * seeded random source, and the wrapped OkHttp client. Close it to stop everything.
 */
public final class MeshFixture implements AutoCloseable {
  private static final AtomicLong VERSIONS = new AtomicLong();

  public final AtomicReference<ConfigSnapshot> config = new AtomicReference<>(ConfigSnapshot.empty());
  public final AtomicReference<EndpointRegistry> endpoints = new AtomicReference<>(EndpointRegistry.empty());
  private final Map<String, List<Endpoint>> registered = new LinkedHashMap<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private MeshRouting mesh;
  private OkHttpClient client;

  /** A snapshot of the resources in {@code yaml}, each of which must be valid. */
  public static ConfigSnapshot snapshot(String yaml) {
    List<ResourceReport> reports = ConfigReader.read("test.yaml", yaml);
    List<Resource<?>> resources = new ArrayList<>();
    for (ResourceReport r : reports) {
      assertThat(r.valid()).as("%s", r.lines()).isTrue();
      resources.add(r.resource());
    }
    return ConfigSnapshot.of(VERSIONS.incrementAndGet(), resources);
  }

  public MeshFixture config(String yaml) {
    config.set(snapshot(yaml));
    return this;
  }

  /**
   * Installs the resources of {@code yaml} without validating them, as a control plane with a
   * bug might push them: the data plane's own compile step must still refuse what it cannot run.
   */
  public MeshFixture unvalidatedConfig(String yaml) {
    List<Resource<?>> resources = new ArrayList<>();
    for (ResourceReport r : ConfigReader.read("test.yaml", yaml)) {
      assertThat(r.resource()).as("%s binds", r.lines()).isNotNull();
      resources.add(r.resource());
    }
    config.set(ConfigSnapshot.of(VERSIONS.incrementAndGet(), resources));
    return this;
  }

  /** Starts a server registered as an endpoint of {@code fqdn} with {@code labels}. */
  public Backend backend(String fqdn, String name, Map<String, String> labels) {
    try {
      Backend b = new Backend(name, labels);
      closeables.add(b);
      register(fqdn, b.endpoint());
      return b;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Backend backend(String fqdn, String name) {
    return backend(fqdn, name, Map.of());
  }

  /** Registers an endpoint nothing listens on (a port just closed): connecting to it fails. */
  public Endpoint deadEndpoint(String fqdn) {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      Endpoint e = Endpoint.of("127.0.0.1", s.getLocalPort());
      register(fqdn, e);
      return e;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public synchronized void register(String fqdn, Endpoint e) {
    registered.computeIfAbsent(fqdn, k -> new ArrayList<>()).add(e);
    EndpointRegistry.Builder b = EndpointRegistry.builder();
    registered.forEach((h, eps) -> eps.forEach(ep -> b.add(h, ep)));
    endpoints.set(b.build());
  }

  public MeshFixture start(CallerIdentity caller, long seed, Consumer<MeshRouting.Builder> customize) {
    return start(caller, seed, customize, new OkHttpClient.Builder());
  }

  public MeshFixture start(CallerIdentity caller, long seed, Consumer<MeshRouting.Builder> customize,
      OkHttpClient.Builder app) {
    MeshRouting.Builder b = MeshRouting.builder(caller).config(config::get).endpoints(endpoints::get)
        .random(new Random(seed));
    customize.accept(b);
    mesh = b.build();
    closeables.add(mesh);
    client = mesh.wrap(app);
    return this;
  }

  public MeshFixture start() {
    return start(CallerIdentity.of("productpage", "default"), 42, b -> {});
  }

  public MeshRouting mesh() {
    return mesh;
  }

  public OkHttpClient client() {
    return client;
  }

  /** GETs {@code url} and returns the response, body read into memory. */
  public Response get(String url) throws IOException {
    return call(new Request.Builder().url(url).build());
  }

  public Response call(Request request) throws IOException {
    try (Response r = client.newCall(request).execute()) {
      byte[] body = r.body().bytes();
      return r.newBuilder().body(okhttp3.ResponseBody.create(body, r.body().contentType())).build();
    }
  }

  /** The body of a GET of {@code url}. */
  public String body(String url) throws IOException {
    return get(url).body().string();
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    if (client != null) {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }
}
