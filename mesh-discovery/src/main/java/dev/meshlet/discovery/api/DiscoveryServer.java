package dev.meshlet.discovery.api;

import dev.meshlet.discovery.auth.Authenticator;
import dev.meshlet.discovery.ca.CaService;
import dev.meshlet.discovery.auth.Tokens;
import dev.meshlet.discovery.push.PushHub;
import dev.meshlet.discovery.registry.LeaseRegistry;
import dev.meshlet.discovery.store.DiscoveryStore;
import dev.meshlet.discovery.store.EmbeddedStore;
import dev.meshlet.discovery.store.etcd.EtcdStore;
import dev.meshlet.discovery.store.etcd.SharedSecrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import dev.meshlet.tls.workload.WorkloadCertificateManager;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.jspecify.annotations.Nullable;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The discovery server: the store, the registry, the push hub and the HTTP API on Jetty, all
 * owned by this object and released by {@link #close()}. The store is the embedded one in the
 * data directory, or etcd ({@link Builder#etcd}) for several replicas over one shared state.
 */
public final class DiscoveryServer implements AutoCloseable {
  /** The file in the data directory where a running server leaves its URL for meshctl. */
  public static final String SERVER_FILE = "server-url";
  /** Istio's discovery port. */
  public static final int DEFAULT_PORT = 15010;

  private static final Logger log = LoggerFactory.getLogger(DiscoveryServer.class);

  private final Builder config;
  private final DiscoveryStore store;
  private final String adminToken;
  private final PushHub hub;
  private final LeaseRegistry registry;
  private final Server jetty;
  private final ServerConnector connector;
  private final ScheduledExecutorService sweeper;
  private final CaService ca;
  private final @Nullable WorkloadCertificateManager serverCertificates;

  private DiscoveryServer(Builder b) throws Exception {
    this.config = b;
    Files.createDirectories(b.dataDir);
    if (b.etcdEndpoints.isEmpty()) {
      this.adminToken = Tokens.loadOrCreateAdminToken(b.dataDir);
      this.ca = CaService.loadOrCreate(b.dataDir, b.clock);
      this.store = EmbeddedStore.open(b.dataDir);
    } else {
      EtcdStore etcd = EtcdStore.connect(b.etcdEndpoints, b.etcdPrefix);
      try {
        // Every replica signs with the same CA and accepts the same admin token: the first one's.
        Tokens.loadOrCreateAdminToken(b.dataDir);
        SharedSecrets.share(etcd, SharedSecrets.ADMIN, b.dataDir, List.of(Tokens.ADMIN_TOKEN_FILE));
        CaService.loadOrCreate(b.dataDir, b.clock);
        SharedSecrets.share(etcd, SharedSecrets.CA, b.dataDir.resolve("ca"), CaService.CACERTS_FILES);
        this.adminToken = Tokens.readTokenFile(b.dataDir.resolve(Tokens.ADMIN_TOKEN_FILE));
        this.ca = CaService.loadOrCreate(b.dataDir, b.clock);
      } catch (IOException | RuntimeException e) {
        etcd.close();
        throw e;
      }
      this.store = etcd;
    }
    this.hub = new PushHub(store, b.clock, b.heartbeat, b.pushDebounce);
    store.onExternalChange(hub::changed);
    this.registry = new LeaseRegistry(store, b.clock, b.leaseTtl, s -> hub.changed());
    ConfigApi configApi = new ConfigApi(store, s -> hub.changed());
    QueuedThreadPool threads = new QueuedThreadPool(64, 4);
    threads.setName("meshlet-http");
    this.jetty = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    if (b.tls) {
      // The server's certificate carries its SPIFFE ID and no DNS name: no SNI host check.
      http.addCustomizer(new SecureRequestCustomizer(false, false, -1, false));
      this.serverCertificates = ca.serverCertificates(b.clock);
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      ssl.setSslContext(serverCertificates.sslContext());
      // A workload that holds a certificate proves itself with it; one that does not yet, with a token.
      ssl.setWantClientAuth(true);
      this.connector = new ServerConnector(jetty, 1, 1,
          new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(http));
    } else {
      this.serverCertificates = null;
      this.connector = new ServerConnector(jetty, 1, 1, new HttpConnectionFactory(http));
    }
    connector.setHost(b.host);
    connector.setPort(b.port);
    // Heartbeats keep a healthy watch stream busy well inside this.
    connector.setIdleTimeout(Math.max(30_000, b.heartbeat.toMillis() * 4));
    jetty.addConnector(connector);
    jetty.setHandler(new ApiHandler(new Authenticator(adminToken, store), store, configApi, registry, hub, ca));
    jetty.setStopTimeout(500); // watch streams are closed first; idle keep-alives need not hold shutdown
    this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "meshlet-lease-sweep");
      t.setDaemon(true);
      return t;
    });
  }

  /** A TLS server on 127.0.0.1:{@value #DEFAULT_PORT} keeping its state in {@code dataDir}. */
  public static Builder builder(Path dataDir) {
    return new Builder(dataDir);
  }

  private DiscoveryServer start() throws Exception {
    try {
      jetty.start();
    } catch (Exception e) {
      close();
      throw new IOException("cannot listen on " + config.host + ":" + config.port + ": " + e.getMessage(), e);
    }
    long sweep = config.sweepEvery.toMillis();
    sweeper.scheduleWithFixedDelay(registry::expire, sweep, sweep, TimeUnit.MILLISECONDS);
    Path tmp = config.dataDir.resolve(SERVER_FILE + ".tmp");
    Files.writeString(tmp, url() + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, config.dataDir.resolve(SERVER_FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    log.info("Meshlet discovery server at {} (data {}, version {})", url(), config.dataDir, store.state().version());
    return this;
  }

  /** The base URL, {@code https://127.0.0.1:PORT} ({@code http} without TLS). */
  public String url() {
    String host = config.host.contains(":") ? "[" + config.host + "]" : config.host;
    return (config.tls ? "https://" : "http://") + host + ":" + connector.getLocalPort();
  }

  public int port() {
    return connector.getLocalPort();
  }

  public CaService ca() {
    return ca;
  }

  public String adminToken() {
    return adminToken;
  }

  public DiscoveryStore store() {
    return store;
  }

  public LeaseRegistry registry() {
    return registry;
  }

  public PushHub hub() {
    return hub;
  }

  /** Blocks until the server stops. */
  public void join() throws InterruptedException {
    jetty.join();
  }

  @Override
  public void close() throws IOException {
    // Order matters: a sweep or a request (an agent deregistering as it shuts down too) may still
    // commit while Jetty stops; the store stays open until no request can reach it.
    sweeper.shutdownNow();
    try {
      sweeper.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    hub.close();
    try {
      jetty.stop();
    } catch (Exception e) {
      log.debug("stopping jetty: {}", e.toString());
    }
    store.close();
    if (serverCertificates != null) {
      serverCertificates.close();
    }
    Files.deleteIfExists(config.dataDir.resolve(SERVER_FILE));
  }

  /** How to start a server; every setting has a default. */
  public static final class Builder {
    private final Path dataDir;
    private String host = "127.0.0.1";
    private int port = DEFAULT_PORT;
    private Clock clock = Clock.systemUTC();
    private Duration leaseTtl = Duration.ofSeconds(30);
    private Duration heartbeat = Duration.ofSeconds(10);
    private Duration sweepEvery = Duration.ofSeconds(1);
    private boolean tls = true;
    private List<String> etcdEndpoints = List.of();
    private String etcdPrefix = EtcdStore.DEFAULT_PREFIX;
    private Duration pushDebounce = PushHub.DEFAULT_DEBOUNCE;

    private Builder(Path dataDir) {
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
    }

    public Builder host(String host) {
      this.host = host;
      return this;
    }

    /** The port; 0 picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
      }
      this.port = port;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public Builder leaseTtl(Duration ttl) {
      this.leaseTtl = ttl;
      return this;
    }

    public Builder heartbeat(Duration heartbeat) {
      this.heartbeat = heartbeat;
      return this;
    }

    /** How long changes are gathered into one push; {@link PushHub#DEFAULT_DEBOUNCE} by default. */
    public Builder pushDebounce(Duration debounce) {
      this.pushDebounce = debounce;
      return this;
    }

    public Builder sweepEvery(Duration every) {
      this.sweepEvery = every;
      return this;
    }

    /**
     * Whether the API runs over TLS with a certificate from the mesh CA (the default). Without it
     * the API is plain HTTP, for curl on loopback while debugging.
     */
    public Builder tls(boolean tls) {
      this.tls = tls;
      return this;
    }

    /**
     * Keeps the state in the etcd cluster at {@code endpoints} instead of the data directory, so
     * several servers over the same cluster (and prefix) serve one view. Empty: the embedded store.
     */
    public Builder etcd(List<String> endpoints) {
      this.etcdEndpoints = List.copyOf(endpoints);
      return this;
    }

    /** The etcd key prefix (default {@value EtcdStore#DEFAULT_PREFIX}); one mesh per prefix. */
    public Builder etcdPrefix(String prefix) {
      this.etcdPrefix = Objects.requireNonNull(prefix, "prefix");
      return this;
    }

    public DiscoveryServer start() throws Exception {
      return new DiscoveryServer(this).start();
    }
  }
}
