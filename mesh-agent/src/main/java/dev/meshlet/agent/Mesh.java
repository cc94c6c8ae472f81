package dev.meshlet.agent;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshlet.agent.admin.AdminServer;
import dev.meshlet.agent.client.DeclarativeClients;
import dev.meshlet.agent.config.ConfigComposer;
import dev.meshlet.agent.config.DiscoverySource;
import dev.meshlet.agent.config.EffectiveConfig;
import dev.meshlet.agent.discovery.DiscoveryAgentSource;
import dev.meshlet.agent.discovery.DiscoveryCertificateSigner;
import dev.meshlet.core.annotation.AnnotationCompiler;
import dev.meshlet.core.annotation.ClientDeclaration;
import dev.meshlet.core.annotation.InvalidAnnotationException;
import dev.meshlet.core.annotation.MeshClient;
import dev.meshlet.core.config.ResourceReport;
import dev.meshlet.core.config.snapshot.ConfigSnapshot;
import dev.meshlet.core.config.source.ConfigLayer;
import dev.meshlet.core.config.source.ConfigListener;
import dev.meshlet.core.config.source.DirectoryConfigSource;
import dev.meshlet.core.registry.WorkloadInstance;
import dev.meshlet.core.telemetry.ServiceLabels;
import dev.meshlet.core.telemetry.Telemetry;
import dev.meshlet.agent.server.InboundContext;
import dev.meshlet.agent.server.MeshInboundTelemetry;
import dev.meshlet.agent.server.PeerMetadata;
import dev.meshlet.core.telemetry.WorkloadLabels;
import dev.meshlet.routing.CallerIdentity;
import dev.meshlet.routing.MeshRouting;
import dev.meshlet.tls.client.ClientTlsFactory;
import dev.meshlet.routing.endpoint.EndpointRegistry;
import dev.meshlet.tls.ca.CaConfig;
import dev.meshlet.tls.ca.CertificateAuthority;
import dev.meshlet.tls.identity.TrustDomain;
import dev.meshlet.tls.workload.CertificateSigner;
import dev.meshlet.tls.workload.InProcessSigner;
import dev.meshlet.tls.workload.WorkloadCertificateManager;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Meshlet for one service: its identity, its config (discovery, a YAML directory, its own
 * annotations), its outbound routing, its certificate and its telemetry. A {@code Mesh} owns
 * everything it creates (the base OkHttp client with its pool and dispatcher threads, routing,
 * the config watcher, the certificate manager and its rotation thread, the default meter
 * registry) and {@link #close()} releases all of it and deregisters the workload.
 *
 * <pre>{@code
 * // Annotation style
 * Mesh mesh = Mesh.builder(ProductPage.class).configDirectory(Path.of("mesh")).build();
 * Reviews reviews = mesh.client(Reviews.class);          // @MeshClient("reviews") interface
 *
 * // Builder style
 * Mesh mesh = Mesh.builder(ServiceIdentity.of("productpage").withLabel("version", "v1"))
 *     .configDirectory(Path.of("mesh"))
 *     .meterRegistry(prometheus)
 *     .build();
 * OkHttpClient http = mesh.httpClient();                 // routes http://reviews/...
 * }</pre>
 *
 * <p>Calls made before the mesh is ready (config from each source and, with mTLS, the
 * certificate) wait up to {@link MeshBuilder#startupWait} and then fail with {@link
 * MeshNotReadyException}; they never go out unconfigured.
 */
public final class Mesh implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Mesh.class);

  /** How long a call made before the mesh is ready waits for it, unless configured. */
  public static final Duration DEFAULT_STARTUP_WAIT = Duration.ofSeconds(10);

  private final ServiceIdentity identity;
  private final WorkloadInstance self;
  private final Readiness readiness = new Readiness();
  private final ConfigComposer composer;
  private final Telemetry telemetry;
  private final List<MeterRegistry> ownedRegistries = new ArrayList<>();
  /** What the admin endpoint scrapes; null when the user's registry is not Prometheus and admin is off. */
  private final @Nullable PrometheusMeterRegistry prometheus;
  private final ObjectMapper mapper;
  private final Clock clock;
  private final Duration startupWait;
  private final WorkloadLabels selfLabels;
  private final List<AutoCloseable> closeables = new ArrayList<>(); // in reverse order of closing
  private final Map<String, ClientDeclaration> declarations = new LinkedHashMap<>(); // guarded by this
  private final AtomicBoolean closed = new AtomicBoolean();
  private @Nullable ThreadPoolExecutor dispatcherThreads;
  private @Nullable ConnectionPool pool;
  private @Nullable MeshRouting routing;
  private @Nullable OkHttpClient baseClient;
  private @Nullable OutboundInterceptor outbound;
  private @Nullable OkHttpClient httpClient;
  private @Nullable DirectoryConfigSource directory;
  private @Nullable WorkloadCertificateManager certificates;
  private volatile @Nullable InboundContext inbound;
  private @Nullable AdminServer admin;

  Mesh(MeshBuilder b) {
    this.identity = b.identity;
    this.self = new WorkloadInstance(identity.name(), identity.namespace(), b.address, identity.ports(),
        identity.labels(), identity.serviceAccount(), b.locality);
    this.clock = b.clock;
    this.startupWait = b.startupWait;
    this.selfLabels = WorkloadLabels.of(self, null).withPrincipal(identity.spiffeId().toString());
    this.mapper = b.mapper != null ? b.mapper
        : new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    // The admin endpoint scrapes Prometheus text. A user's Prometheus registry is scraped as it is;
    // another registry (Datadog, a SimpleMeterRegistry) keeps getting every meter, and with the
    // admin endpoint on the mesh records to both it and a private Prometheus registry it scrapes.
    MeterRegistry user = b.meterRegistry;
    MeterRegistry recordTo;
    if (user instanceof PrometheusMeterRegistry p) {
      prometheus = p;
      recordTo = p;
    } else if (user == null) {
      prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      ownedRegistries.add(prometheus);
      recordTo = prometheus;
    } else if (b.admin != null) {
      prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      ownedRegistries.add(prometheus);
      recordTo = new CompositeMeterRegistry(io.micrometer.core.instrument.Clock.SYSTEM, List.of(user, prometheus));
    } else {
      prometheus = null;
      recordTo = user;
    }
    this.telemetry = Telemetry.create(recordTo, b.openTelemetry != null ? b.openTelemetry : OpenTelemetry.noop(),
        b.telemetryConfig);
    this.composer = new ConfigComposer(b.endpoints, snapshot -> {
      try {
        telemetry.meshletMetrics().configVersion(snapshot.version());
      } catch (RuntimeException e) {
        log.debug("config version gauge", e);
      }
    });
  }

  /** A builder for the service {@code app}'s {@code @MeshService} declares; its {@code @MeshClient} fields are declared too. */
  public static MeshBuilder builder(Class<?> app) {
    return new MeshBuilder(ServiceIdentity.fromAnnotation(app)).clients(app);
  }

  /** A builder for {@code identity}. */
  public static MeshBuilder builder(ServiceIdentity identity) {
    return new MeshBuilder(identity);
  }

  /**
   * A mesh for {@code app} from its annotations alone: {@code @MeshService} on it, and the
   * policies of its {@code @MeshClient} fields. No config directory, no discovery, no mTLS.
   *
   * @throws InvalidAnnotationException when an annotation holds a bad value
   */
  public static Mesh fromAnnotations(Class<?> app) {
    return builder(app).build();
  }

  void start(MeshBuilder b) throws IOException, GeneralSecurityException {
    // Annotations first: a bad value fails before any thread is started.
    for (Class<?> type : b.annotated) {
      ClientDeclarations.collect(type, declarations);
    }
    composer.apply(ConfigLayer.ANNOTATION, AnnotationCompiler.compile(identity.namespace(), List.copyOf(declarations.values())),
        "annotations");

    String name = identity.name();
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor threads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
        r -> {
          Thread t = new Thread(r, "meshlet-" + name + "-okhttp-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    dispatcherThreads = threads;
    pool = new ConnectionPool(5, 5, TimeUnit.MINUTES);
    OkHttpClient.Builder base = new OkHttpClient.Builder().dispatcher(new Dispatcher(threads)).connectionPool(pool);
    b.baseClient.accept(base);
    baseClient = base.build();
    // The workload certificate first: routing presents it on mesh mTLS connections.
    if (b.mtlsOn()) {
      String what = "workload certificate for " + identity.spiffeId();
      readiness.require(what);
      CertificateSigner signer = b.signer;
      DiscoveryCertificateSigner fromDiscovery = null;
      List<X509Certificate> discoveryRoots = List.of();
      if (signer == null && b.caDirectory == null && b.discovery instanceof DiscoveryAgentSource agent) {
        // As Istio's agent: the discovery server's CA signs the workload's CSR (token first, then mTLS).
        var discoveryConfig = agent.config(self);
        discoveryRoots = discoveryConfig.trustedRoots();
        fromDiscovery = DiscoveryCertificateSigner.create(discoveryConfig, baseClient, b.clock);
        signer = fromDiscovery;
      }
      if (signer == null) {
        CaConfig ca = CaConfig.of(TrustDomain.of(identity.trustDomain()));
        SecureRandom random = new SecureRandom();
        CertificateAuthority authority = b.caDirectory != null
            ? CertificateAuthority.loadOrCreate(b.caDirectory, ca, b.clock, random)
            : CertificateAuthority.selfSigned(ca, b.clock, random);
        signer = new InProcessSigner(authority, identity.spiffeId());
      }
      WorkloadCertificateManager manager = WorkloadCertificateManager.builder(identity.spiffeId(), signer)
          .clock(b.clock).start();
      certificates = manager;
      closeables.add(manager);
      if (fromDiscovery != null && !discoveryRoots.isEmpty()) {
        // Renewals prove the identity with the current certificate, over mTLS to servers checked
        // against the mesh's roots. A plaintext server (local development) cannot see a client
        // certificate: there renewals keep the bootstrap token.
        fromDiscovery.authenticateWith(manager);
      }
      readiness.satisfied(what);
      try {
        telemetry.meshletMetrics().certificateExpiry(identity.spiffeId().toString(),
            manager.current().expiresAt().getEpochSecond());
      } catch (RuntimeException e) {
        log.debug("certificate expiry gauge", e);
      }
    }

    MeshRouting.Builder rb = MeshRouting.builder(new CallerIdentity(name, identity.namespace(), identity.labels()))
        .config(composer::snapshot)
        .endpoints(composer::endpoints)
        .clock(b.clock)
        .listener(new ClientTelemetry(telemetry, selfLabels))
        .locality(b.locality);
    if (certificates != null) {
      rb.clientTls(ClientTlsFactory.of(certificates));
    }
    b.routing.accept(rb);
    routing = rb.build();
    closeables.add(routing);
    outbound = new OutboundInterceptor(this, readiness, b.startupWait, b.clock, telemetry.tracing(),
        PeerMetadata.encode(selfLabels));
    httpClient = wrap(baseClient);
    if (b.admin != null) {
      // Before the config sources: /healthz/ready answers 503 with what is missing while they load.
      admin = AdminServer.start(this, b.admin, b.clock);
      closeables.add(admin);
      log.info("mesh {} admin endpoint on http://{}:{}/", name, admin.address().getHostString(), admin.address().getPort());
    }

    if (b.configDirectory != null) {
      String what = "config from " + b.configDirectory;
      readiness.require(what);
      DirectoryConfigSource source = DirectoryConfigSource.of(b.configDirectory);
      directory = source;
      closeables.add(source);
      source.addListener(new ConfigListener() {
        @Override
        public void onSnapshot(ConfigSnapshot snapshot) {
          composer.apply(ConfigLayer.FILE, snapshot.resources(), "file " + b.configDirectory);
          composer.rejected(what, null);
          readiness.satisfied(what);
        }

        @Override
        public void onRejected(List<ResourceReport> reports) {
          String why = String.join("; ", reports.stream().flatMap(r -> r.lines().stream()).toList());
          composer.rejected(what, why);
          readiness.problem(what, "refused: " + why);
        }
      });
      source.start();
    }

    if (b.discovery != null) {
      String what = "config from discovery";
      readiness.require(what);
      DiscoverySource discovery = b.discovery;
      closeables.add(discovery);
      if (certificates != null) {
        discovery.useCertificates(certificates);
      }
      discovery.start(self, composer.discoverySink(ack -> {
        if (ack.accepted()) {
          readiness.satisfied(what);
        } else {
          readiness.problem(what, "version " + ack.version() + " refused: " + ack.error());
        }
      }));
    }
    log.info("mesh {} started: {} ({})", name, identity.spiffeId(), isReady() ? "ready" : "waiting for "
        + String.join(", ", readiness.waitingFor()));
  }

  /** Who this service is. */
  public ServiceIdentity identity() {
    return identity;
  }

  /** This workload as the mesh registers it. */
  public WorkloadInstance workload() {
    return self;
  }

  /**
   * The mesh's OkHttp client: every call through it is routed by the config in force, carries
   * the context of the request being served, and waits for readiness. For other timeouts or
   * interceptors use {@link #httpClient(Consumer)}, not {@code newBuilder()} on this one: an
   * interceptor added after routing's would run on each try, toward the endpoint's address.
   */
  public OkHttpClient httpClient() {
    return Objects.requireNonNull(httpClient);
  }

  /**
   * A client of the mesh's, adjusted by {@code configure} (timeouts, interceptors, an event
   * listener), sharing the mesh's pool and dispatcher; routed as {@link #httpClient()} is.
   */
  public OkHttpClient httpClient(Consumer<OkHttpClient.Builder> configure) {
    OkHttpClient.Builder b = Objects.requireNonNull(baseClient).newBuilder();
    configure.accept(b);
    return wrap(b.build());
  }

  /**
   * {@code client} with the mesh's outbound steps added (readiness wait, served-request context,
   * routing). Its pool and dispatcher stay its own, and so does closing them.
   */
  public OkHttpClient wrap(OkHttpClient client) {
    OutboundInterceptor o = Objects.requireNonNull(outbound);
    return Objects.requireNonNull(routing).wrap(client.newBuilder()
        .addInterceptor(o)
        .eventListenerFactory(o.capturing(client.eventListenerFactory()))
        .build());
  }

  /**
   * A declarative client of {@code iface}, annotated {@link MeshClient}; its policy annotations
   * join the mesh's ANNOTATION layer.
   *
   * @throws InvalidAnnotationException when its annotations hold bad values
   * @throws IllegalArgumentException when a method cannot be turned into a request, naming it
   */
  public <T> T client(Class<T> iface) {
    MeshClient client = iface.getAnnotation(MeshClient.class);
    if (client == null) {
      throw new IllegalArgumentException(iface.getName() + " has no @MeshClient (expected: @MeshClient(\"host\") on the interface)");
    }
    declare(iface);
    return DeclarativeClients.create(iface, client.value().trim(), httpClient(), mapper);
  }

  /**
   * Fills {@code target}'s fields annotated {@link MeshClient}: an {@link OkHttpClient} field
   * gets the mesh's client, an interface field a declarative client; their policy annotations
   * join the ANNOTATION layer.
   *
   * @return {@code target}
   * @throws InvalidAnnotationException when an annotation holds a bad value
   */
  public <T> T inject(T target) {
    declare(target.getClass());
    for (Field f : ClientDeclarations.fields(target.getClass())) {
      MeshClient mc = f.getAnnotation(MeshClient.class);
      if (mc == null) {
        continue;
      }
      Object value;
      if (f.getType() == OkHttpClient.class) {
        value = httpClient();
      } else if (f.getType().isInterface()) {
        value = DeclarativeClients.create(f.getType(), mc.value().trim(), httpClient(), mapper);
      } else {
        throw new IllegalArgumentException("@MeshClient on " + ClientDeclarations.where(f) + ": type " + f.getType().getName()
            + " (expected: OkHttpClient or an interface with @GET/@POST methods)");
      }
      try {
        f.setAccessible(true);
        f.set(target, value);
      } catch (ReflectiveOperationException | RuntimeException e) {
        throw new IllegalArgumentException("cannot set @MeshClient field " + ClientDeclarations.where(f) + ": " + e.getMessage(), e);
      }
    }
    return target;
  }

  /**
   * What the server adapters need from this mesh: the config in force, the identity and labels,
   * the certificate, the clock, readiness (a request arriving before it waits up to the startup
   * wait, then gets 503 {@code x-meshlet-not-ready}), and telemetry (a server span whose context the request's outbound
   * calls carry on, and Istio's {@code reporter="destination"} metrics).
   *
   * <pre>{@code
   * MeshJdkServer server = MeshJdkServer.builder(mesh.inboundContext()).port(9080)
   *     .handler("/", exchange -> ...).start();
   * }</pre>
   */
  public InboundContext inboundContext() {
    InboundContext context = inbound;
    if (context == null) {
      synchronized (this) {
        if (inbound == null) {
          inbound = new ReadyInboundContext(InboundContext.of(composer::snapshot, identity.workloadIdentity(),
              identity.labels(), certificates,
              MeshInboundTelemetry.of(telemetry, WorkloadLabels.of(self, null), ServiceLabels.ofHost(self.host())), clock),
              readiness, startupWait);
        }
        context = inbound;
      }
    }
    return context;
  }

  /** Whether config from every source and, with mTLS, the certificate are in place. */
  public boolean isReady() {
    return readiness.isReady();
  }

  /**
   * Waits until the mesh is ready.
   *
   * @return true when ready, false when {@code timeout} passed first or the mesh is closed
   */
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    return readiness.await(timeout);
  }

  /** What readiness still waits for, with the reason where one is known (a refused file); empty once ready. */
  public List<String> waitingFor() {
    return readiness.waitingFor();
  }

  /** The snapshot routing reads now. */
  public ConfigSnapshot config() {
    return composer.snapshot();
  }

  /** The endpoints routing reads now. */
  public EndpointRegistry endpoints() {
    return composer.endpoints();
  }

  /** The effective config, where each piece came from and what was overridden: the config dump. */
  public EffectiveConfig effectiveConfig() {
    return composer.effective(readiness::waitingFor);
  }

  /** Reads the config directory now instead of waiting for the watcher (tests, an admin action). */
  public void reloadConfig() {
    if (directory != null) {
      directory.reload();
    }
  }

  /** The telemetry every call records to. */
  public Telemetry telemetry() {
    return telemetry;
  }

  /** The certificate manager (its SSLContext serves and dials mTLS), when mTLS is on. */
  public Optional<WorkloadCertificateManager> certificates() {
    return Optional.ofNullable(certificates);
  }

  /** The routing, for its statistics ({@code droppedMirrors}). */
  public MeshRouting routing() {
    return Objects.requireNonNull(routing);
  }

  /**
   * The Prometheus registry the admin endpoint's {@code /stats/prometheus} scrapes: the user's own
   * when it is one, else a private one the mesh records to (by default, or next to a user's other
   * registry when the admin endpoint is on). Empty with a user's non-Prometheus registry and no admin.
   */
  public Optional<PrometheusMeterRegistry> prometheusRegistry() {
    return Optional.ofNullable(prometheus);
  }

  /** Where the admin endpoint listens (the port chosen when 0 was asked), when it is on. */
  public Optional<InetSocketAddress> adminAddress() {
    AdminServer a = admin;
    return a == null ? Optional.empty() : Optional.of(a.address());
  }

  /** The JSON mapper declarative clients use. */
  public ObjectMapper objectMapper() {
    return mapper;
  }

  /**
   * Stops everything the mesh started and deregisters the workload: discovery, the config
   * watcher, the certificate rotation, routing's mirror threads, the dispatcher threads and the
   * pooled connections, and the default meter registry. Calls waiting for readiness fail at once.
   * Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    readiness.close();
    for (int i = closeables.size() - 1; i >= 0; i--) {
      try {
        closeables.get(i).close();
      } catch (Exception e) {
        log.warn("closing {} of mesh {}", closeables.get(i), identity.name(), e);
      }
    }
    if (dispatcherThreads != null) {
      dispatcherThreads.shutdown();
      try {
        if (!dispatcherThreads.awaitTermination(5, TimeUnit.SECONDS)) {
          dispatcherThreads.shutdownNow();
        }
      } catch (InterruptedException e) {
        dispatcherThreads.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    if (pool != null) {
      pool.evictAll();
    }
    for (MeterRegistry r : ownedRegistries) {
      r.close();
    }
    log.info("mesh {} closed", identity.name());
  }

  private synchronized void declare(Class<?> type) {
    Map<String, ClientDeclaration> next = new LinkedHashMap<>(declarations);
    ClientDeclarations.collect(type, next);
    if (next.size() == declarations.size()) {
      return;
    }
    composer.apply(ConfigLayer.ANNOTATION, AnnotationCompiler.compile(identity.namespace(), List.copyOf(next.values())),
        "annotations");
    declarations.clear();
    declarations.putAll(next);
  }
}
