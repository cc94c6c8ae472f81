package dev.meshlet.agent.discovery;

import dev.meshlet.agent.discovery.CentralState.Judged;
import dev.meshlet.core.protocol.Ack;
import dev.meshlet.core.protocol.LeaseGrant;
import dev.meshlet.core.protocol.WatchEvent;
import dev.meshlet.core.protocol.WatchEventReader;
import dev.meshlet.tls.pki.Pem;
import dev.meshlet.tls.pki.TrustBundle;
import dev.meshlet.tls.workload.WorkloadCertificateManager;
import java.util.function.Consumer;
import javax.net.ssl.X509KeyManager;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent inside a service that keeps it in the mesh: it registers the workload and renews the
 * lease, holds one watch stream to a discovery server, validates and hands every pushed view to
 * a {@link CentralConfigListener}, answers ACK or NACK, keeps the last acknowledged view on disk,
 * and deregisters on {@link #close()}.
 *
 * <p>A stream that fails or falls silent is reconnected with exponential backoff and jitter,
 * capped, moving on to the next server of the list; back on the same server it resumes with
 * {@code since} the version it holds, so nothing is lost and nothing is sent twice. On another
 * server it resumes the same way when that server shares the store (replicas over one etcd
 * name the same store in the {@code Meshlet-Store} header) and starts from a full view otherwise. When no
 * server answers at start, the last acknowledged view on disk is applied, so a service restarts
 * and serves while the control plane is down.
 *
 * <p>Threads: one watch thread (which also calls the listener, one view at a time) and one
 * renewal thread, both owned by this agent and gone after {@link #close()}.
 */
public final class DiscoveryAgent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DiscoveryAgent.class);
  /** How long a non-streaming call (register, renew, ACK) may wait for its answer. */
  private static final Duration CALL_READ_TIMEOUT = Duration.ofSeconds(10);

  private record Lease(String id, Duration ttl) {}

  private final DiscoveryConfig config;
  private final CentralConfigListener listener;
  private final Clock clock;
  private final RandomGenerator random;
  private final Backoff backoff;
  private final ServerApi api;
  private final @Nullable OkHttpClient ownedClient;
  private final OkHttpClient base;
  /** Told of each new trust bundle the servers publish (the Mesh's certificate manager). */
  private final @Nullable Consumer<TrustBundle> rootsListener;
  private final @Nullable ViewCache cache;
  private final CentralState state = new CentralState();
  private final ScheduledExecutorService renewer;
  private final Thread watcher;
  private final AtomicReference<@Nullable Lease> lease = new AtomicReference<>();
  private final CompletableFuture<CentralView> firstView = new CompletableFuture<>();
  private final Object pause = new Object();
  private @Nullable ScheduledFuture<?> renewal;
  private int renewFailures;
  private volatile int serverIndex;
  /** The server whose stream gave the view the agent holds; {@code since} is only meaningful there. */
  private volatile int viewServer = -1;
  // The store history of the stream now open, and of the server the view came from: replicas
  // over one etcd share it, so the agent resumes on another replica without a full view.
  private volatile @Nullable String streamStore;
  private volatile @Nullable String viewStore;
  private volatile @Nullable Call watchCall;
  private volatile boolean closed;
  private volatile @Nullable Instant connectedSince;
  private volatile @Nullable CentralView applied;
  private volatile @Nullable ApplyOutcome lastOutcome;
  private volatile @Nullable String lastError;
  private volatile @Nullable TrustBundle roots;
  /** The PEM of the trust bundle last read from a server, to notice a root rotation. */
  private volatile @Nullable String serverRootsPem;

  private DiscoveryAgent(Builder b) {
    this.config = b.config;
    this.listener = b.listener;
    this.clock = b.clock;
    this.random = b.random;
    this.backoff = new Backoff(config.backoffInitial(), config.backoffMax(), random);
    OkHttpClient base = b.httpClient;
    this.ownedClient = base == null ? new OkHttpClient() : null;
    this.base = base == null ? ownedClient : base;
    this.roots = config.trustedRoots().isEmpty() ? null
        : TrustBundle.of(config.serverIdentity().trustDomain(), config.trustedRoots());
    this.rootsListener = b.certificates == null ? null : b.certificates::updateTrustBundle;
    X509KeyManager certificate = b.certificates == null ? null : b.certificates.keyManager();
    this.api = new ServerApi(clients(certificate), config.token(), certificate != null);
    this.cache = config.cacheDirectory() == null
        ? null
        : new ViewCache(config.cacheDirectory(), config.registration().service(), config.registration().namespaceOrDefault());
    String who = config.registration().namespaceOrDefault() + "-" + config.registration().service();
    this.renewer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "meshlet-discovery-renew-" + who));
    this.watcher = daemon(this::watchLoop, "meshlet-discovery-watch-" + who);
  }

  /** The agent's clients, derived from the base so they share its pool; with a key manager they present its certificate. */
  private ServerApi.Clients clients(@Nullable X509KeyManager certificate) {
    OkHttpClient.Builder common = base.newBuilder()
        .connectTimeout(config.connectTimeout())
        .retryOnConnectionFailure(false); // the agent decides when and where to retry
    ServerTls.configure(common, config, clock, certificate, roots == null ? null : this::roots);
    OkHttpClient http = common.build().newBuilder()
        .readTimeout(CALL_READ_TIMEOUT)
        .callTimeout(config.connectTimeout().plus(CALL_READ_TIMEOUT))
        .build();
    // A healthy stream carries a heartbeat well inside the idle timeout; a silent one is dead.
    OkHttpClient watchHttp = common.build().newBuilder()
        .readTimeout(config.streamIdleTimeout())
        .callTimeout(Duration.ZERO)
        .build();
    // An answer runs on the watch thread: it may not hold the thread longer than a dead stream would.
    OkHttpClient ackHttp = http.newBuilder()
        .readTimeout(config.streamIdleTimeout())
        .callTimeout(config.streamIdleTimeout().plus(config.connectTimeout()))
        .build();
    return new ServerApi.Clients(http, ackHttp, watchHttp);
  }

  /**
   * From now on, proves the workload with the certificate {@code keyManager} presents (a {@code
   * WorkloadCertificateManager}'s, which rotates underneath) instead of the bootstrap token, for
   * registration, renewal, the watch and ACKs: the token only bootstraps. The open stream stays;
   * the next calls and streams use mTLS.
   *
   * @throws IllegalStateException when the agent was configured without mesh roots
   */
  public void authenticateWith(X509KeyManager keyManager) {
    Objects.requireNonNull(keyManager, "keyManager");
    if (roots == null) {
      throw new IllegalStateException("trustedRoots: the agent was started without mesh roots (expected: roots in "
          + "DiscoveryConfig to present a workload certificate)");
    }
    api.useClientCertificate(clients(keyManager));
    log.info("{} now proves itself to the discovery servers with its workload certificate", identity());
  }

  /** Whether the agent proves itself with its workload certificate (mTLS) rather than the bootstrap token. */
  public boolean usesClientCertificate() {
    return api.usesClientCertificate();
  }

  /** An agent for {@code config} that hands each view to {@code listener}; {@link Builder#start()} starts it. */
  public static Builder builder(DiscoveryConfig config, CentralConfigListener listener) {
    return new Builder(config, listener);
  }

  private DiscoveryAgent begin() {
    IOException last = null;
    for (int i = 0; i < config.servers().size(); i++) {
      try {
        register(i);
        last = null;
        break;
      } catch (ServerApi.Refused e) {
        if (e.status >= 400 && e.status < 500 && e.status != 404 && e.status != 408 && e.status != 429) {
          close();
          throw new IllegalStateException("discovery server refused the registration of " + identity() + ": " + e.getMessage()
              + " (expected: a bootstrap token bound to service account " + config.registration().serviceAccountOrDefault()
              + " in namespace " + config.registration().namespaceOrDefault() + ")", e);
        }
        last = e;
      } catch (IOException e) {
        last = e;
      }
      log.warn("discovery server {} did not take the registration: {}", config.servers().get(i), last.toString());
    }
    if (last != null) {
      lastError = "no discovery server answered at start: " + last.getMessage();
      startFromCache();
    }
    watcher.start();
    return this;
  }

  /** The view in force, or empty before any was applied. */
  public Optional<CentralView> view() {
    return Optional.ofNullable(applied);
  }

  /**
   * Waits until a view is in force (from a server, or from the disk cache at start) and returns
   * it; a service can hold its readiness on this.
   *
   * @throws TimeoutException when none came within {@code timeout}
   */
  public CentralView awaitView(Duration timeout) throws InterruptedException, TimeoutException {
    try {
      return firstView.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("the discovery agent stopped before any view: " + e.getCause().getMessage(), e.getCause());
    }
  }

  /**
   * Trusts {@code roots} for the servers from the next connection on: what the Mesh calls when
   * the mesh root rotates (the trust bundle of each new workload certificate says so). Open
   * connections stay as they are.
   *
   * @throws IllegalStateException when the agent was configured without roots (the JDK's defaults)
   */
  public void updateTrustedRoots(List<X509Certificate> roots) {
    if (this.roots == null) {
      throw new IllegalStateException("trustedRoots: the agent was started without mesh roots (expected: roots in "
          + "DiscoveryConfig to update them later)");
    }
    this.roots = TrustBundle.of(config.serverIdentity().trustDomain(), roots);
    log.info("discovery servers are now checked against {} root(s)", roots.size());
  }

  private TrustBundle roots() {
    TrustBundle r = roots;
    if (r == null) {
      throw new IllegalStateException("no roots");
    }
    return r;
  }

  /** Where the agent stands now. */
  public DiscoveryStatus status() {
    Lease l = lease.get();
    CentralView v = applied;
    return new DiscoveryStatus(config.servers().get(serverIndex), l == null ? null : l.id(), connectedSince != null,
        connectedSince, state.version(), v == null ? 0 : v.version(), v == null ? null : v.origin(), lastError);
  }

  // ---- registration and renewal

  private Lease register(int index) throws IOException {
    String server = config.servers().get(index);
    LeaseGrant grant = api.register(server, config.registration());
    Lease l = new Lease(grant.leaseId(), Duration.ofSeconds(Math.max(1, grant.ttlSeconds())));
    lease.set(l);
    serverIndex = index;
    log.info("{} registered at {} with lease {} (ttl {}s)", identity(), server, l.id(), grant.ttlSeconds());
    synchronized (this) {
      renewFailures = 0;
    }
    scheduleRenewal(renewDelay(l));
    return l;
  }

  private Duration renewDelay(Lease l) {
    return Backoff.jitter(Duration.ofMillis((long) (l.ttl().toMillis() * config.renewFraction())), 0.1, random);
  }

  private synchronized void scheduleRenewal(Duration delay) {
    if (closed) {
      return;
    }
    if (renewal != null) {
      renewal.cancel(false);
    }
    renewal = renewer.schedule(this::renew, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void renew() {
    Lease l = lease.get();
    if (l == null || closed) {
      return;
    }
    String server = config.servers().get(serverIndex);
    try {
      api.renew(server, l.id());
      synchronized (this) {
        renewFailures = 0;
      }
      scheduleRenewal(renewDelay(l));
      checkRoots(server);
    } catch (ServerApi.Refused e) {
      if (e.leaseGone() && lease.compareAndSet(l, null)) {
        // The stream of a lost lease ends anyway; cutting it now registers again sooner.
        log.warn("lease {} is gone at {} ({}); registering again", l.id(), server, e.getMessage());
        cancelWatch();
      } else {
        retryRenewal(l, e);
      }
    } catch (IOException e) {
      retryRenewal(l, e);
    }
  }

  /**
   * Reads the server's trust bundle with each renewal: after a root rotation it holds the new
   * root beside the old one, and both the servers' checks and the Mesh's trust move to it before
   * any certificate from the new root is presented. It comes over a connection the current roots
   * verified.
   */
  private void checkRoots(String server) {
    if (roots == null) {
      return;
    }
    try {
      String pem = api.roots(server);
      if (pem.equals(serverRootsPem)) {
        return;
      }
      List<X509Certificate> fresh = Pem.readCertificates(pem, server + "/v1/ca/roots");
      TrustBundle bundle = TrustBundle.of(config.serverIdentity().trustDomain(), fresh);
      if (!bundle.equals(roots)) {
        updateTrustedRoots(fresh);
        Consumer<TrustBundle> listener = rootsListener;
        if (listener != null) {
          listener.accept(bundle);
        }
      }
      serverRootsPem = pem;
    } catch (IOException | RuntimeException e) {
      log.warn("cannot read the trust bundle of {}: {}", server, e.toString());
    }
  }

  private void retryRenewal(Lease l, IOException e) {
    int failures;
    synchronized (this) {
      failures = renewFailures++;
    }
    Duration delay = backoff.delay(failures);
    Duration cap = Duration.ofMillis((long) (l.ttl().toMillis() * config.renewFraction()));
    delay = delay.compareTo(cap) > 0 ? cap : delay;
    log.warn("renewing lease {} failed ({}); trying again in {} ms", l.id(), e.getMessage(), delay.toMillis());
    scheduleRenewal(delay);
  }

  // ---- the watch stream

  private void watchLoop() {
    int failures = 0;
    while (!closed) {
      int index = serverIndex;
      String server = config.servers().get(index);
      Lease l = lease.get();
      try {
        if (l == null) {
          l = register(index);
        }
        int events = watch(index, l);
        // A clean end: the server is stopping, or the lease ended. A stream that carried nothing
        // counts as a failure; either way a short pause keeps a misbehaving server from a hot loop.
        failures = events > 0 ? 0 : failures + 1;
        sleep(backoff.delay(Math.max(0, failures - 1)));
      } catch (ServerApi.Refused e) {
        if (closed) {
          break;
        }
        lastError = e.getMessage();
        failures++;
        if (e.leaseGone()) {
          if (l != null) {
            lease.compareAndSet(l, null);
          }
          log.info("{}; registering again", e.getMessage());
          if (failures > 1) {
            sleep(backoff.delay(failures - 2));
          }
          continue;
        }
        log.warn("discovery server refused: {}", e.getMessage());
        failOver(index, failures);
      } catch (IOException | RuntimeException e) {
        if (closed) {
          break;
        }
        lastError = e.getMessage() == null ? e.toString() : e.getMessage();
        failures++;
        log.warn("discovery stream to {} failed: {}", server, lastError);
        failOver(index, failures);
      }
    }
  }

  private void failOver(int index, int failures) {
    int next = (index + 1) % config.servers().size();
    serverIndex = next;
    if (next != index) {
      log.info("failing over to discovery server {}", config.servers().get(next));
    }
    sleep(backoff.delay(failures - 1));
  }

  /** Reads one stream to its end; returns how many events it carried. */
  private int watch(int index, Lease l) throws IOException {
    String server = config.servers().get(index);
    boolean sameServer = viewServer == index;
    Long since = (sameServer || viewStore != null) && state.version() > 0 ? state.version() : null;
    Call call = api.watch(server, l.id(), since, sameServer ? null : viewStore);
    watchCall = call;
    if (closed) {
      call.cancel();
    }
    try (Response r = call.execute()) {
      if (!r.isSuccessful()) {
        throw new ServerApi.Refused("watch with lease " + l.id(), server, r.code(), r.body().string());
      }
      streamStore = r.header(ServerApi.STORE_HEADER);
      connectedSince = clock.instant();
      log.info("watching {} with lease {}{}", server, l.id(), since == null ? "" : " since version " + since);
      int events = 0;
      try (WatchEventReader in = new WatchEventReader(r.body().byteStream())) {
        for (WatchEvent e = in.next(); e != null; e = in.next()) {
          events++;
          if (e.type() != WatchEvent.Type.HEARTBEAT) {
            handle(index, l, e);
          }
        }
      } catch (SocketTimeoutException e) {
        throw new SocketTimeoutException("nothing from " + server + " for " + config.streamIdleTimeout().toMillis()
            + " ms (expected: a heartbeat well within it): the stream is dead");
      }
      return events;
    } finally {
      connectedSince = null;
      watchCall = null;
    }
  }

  private void handle(int index, Lease l, WatchEvent event) {
    String server = config.servers().get(index);
    ApplyOutcome previous = lastOutcome;
    boolean unchanged = event.isEmpty() && previous != null;
    Judged judged = state.receive(event, server);
    viewServer = index;
    viewStore = streamStore;
    ApplyOutcome outcome;
    if (unchanged) {
      outcome = previous; // the same view as before gets the same answer
      CentralView v = applied;
      if (outcome.isApplied() && v != null) {
        applied = new CentralView(event.version(), v.resources(), v.endpoints(), v.origin());
      }
    } else if (!judged.valid()) {
      outcome = ApplyOutcome.refused("version " + event.version() + " does not validate: " + judged.errors());
    } else {
      CentralView view = new CentralView(judged.version(), judged.batch().resources(), judged.endpoints(), CentralView.Origin.SERVER);
      outcome = deliver(view);
      if (outcome.isApplied()) {
        applied = view;
        storeCache(judged);
        firstView.complete(view);
      }
    }
    lastOutcome = outcome;
    if (outcome.isApplied()) {
      log.debug("applied version {} from {}", event.version(), server);
    } else {
      lastError = outcome.error();
      log.warn("refused version {} from {}, keeping version {}: {}", event.version(), server,
          applied == null ? 0 : applied.version(), outcome.error());
    }
    try {
      api.ack(server, new Ack(l.id(), event.version(), outcome.error()));
    } catch (IOException e) {
      // The server then shows this agent STALE; the next stream resumes and answers again.
      log.warn("cannot answer version {} to {}: {}", event.version(), server, e.getMessage());
    }
  }

  private ApplyOutcome deliver(CentralView view) {
    try {
      ApplyOutcome o = listener.onConfig(view);
      return o == null ? ApplyOutcome.refused("the config listener returned no outcome") : o;
    } catch (RuntimeException e) {
      log.error("the config listener failed on version {}", view.version(), e);
      return ApplyOutcome.refused("the config listener failed: " + e);
    }
  }

  // ---- the disk cache

  private void storeCache(Judged judged) {
    if (cache == null) {
      return;
    }
    try {
      cache.store(judged.version(), clock.instant().toString(), judged.trees(), judged.endpoints());
    } catch (IOException | RuntimeException e) {
      // The view is applied; only a restart without a server would miss it.
      log.warn("cannot keep version {} in {}: {}", judged.version(), cache.file(), e.toString());
    }
  }

  private void startFromCache() {
    if (cache == null) {
      log.warn("no discovery server answered and no cache directory is set: starting without central config");
      return;
    }
    Optional<ViewCache.Stored> stored = cache.load();
    if (stored.isEmpty()) {
      log.warn("no discovery server answered and {} holds no view: starting without central config", cache.file());
      return;
    }
    ViewCache.Stored s = stored.get();
    Judged judged = CentralState.judge(s.version(), s.resources(), s.endpoints(), cache.file().toString());
    if (!judged.valid()) {
      log.warn("the cached view {} does not validate, starting without central config: {}", cache.file(), judged.errors());
      return;
    }
    CentralView view = new CentralView(s.version(), judged.batch().resources(), judged.endpoints(), CentralView.Origin.DISK_CACHE);
    ApplyOutcome outcome = deliver(view);
    if (outcome.isApplied()) {
      applied = view;
      firstView.complete(view);
      log.info("no discovery server answered: serving version {} from {} (saved {})", s.version(), cache.file(), s.savedAt());
    } else {
      log.warn("the cached view {} was refused: {}", cache.file(), outcome.error());
    }
  }

  // ---- lifecycle

  private void cancelWatch() {
    Call c = watchCall;
    if (c != null) {
      c.cancel();
    }
  }

  private void sleep(Duration d) {
    long deadline = System.nanoTime() + d.toNanos();
    synchronized (pause) {
      long left;
      while (!closed && (left = deadline - System.nanoTime()) > 0) {
        try {
          TimeUnit.NANOSECONDS.timedWait(pause, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /**
   * Stops the stream and the renewals, deregisters the workload (so callers stop sending to it
   * at once rather than when the lease expires) and releases the agent's threads. The view in
   * force stays with the listener.
   */
  @Override
  public void close() {
    synchronized (this) {
      // Under the lock scheduleRenewal holds, so no renewal is scheduled on the executor closed below.
      if (closed) {
        return;
      }
      closed = true;
      if (renewal != null) {
        renewal.cancel(false);
      }
    }
    cancelWatch();
    synchronized (pause) {
      pause.notifyAll();
    }
    if (watcher.isAlive()) {
      try {
        watcher.join(config.connectTimeout().plus(CALL_READ_TIMEOUT).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    renewer.shutdownNow();
    try {
      renewer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Lease l = lease.getAndSet(null);
    if (l != null) {
      String server = config.servers().get(serverIndex);
      try {
        api.deregister(server, l.id());
        log.info("{} deregistered lease {} at {}", identity(), l.id(), server);
      } catch (IOException e) {
        log.warn("cannot deregister lease {} at {} (it expires by itself): {}", l.id(), server, e.getMessage());
      }
    }
    firstView.completeExceptionally(new IllegalStateException("closed"));
    if (ownedClient != null) {
      ownedClient.dispatcher().executorService().shutdown();
      ownedClient.connectionPool().evictAll();
    }
  }

  private String identity() {
    return config.registration().namespaceOrDefault() + "/" + config.registration().service();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** How to start an agent: its config and listener, and what it shares with the Mesh that owns it. */
  public static final class Builder {
    private final DiscoveryConfig config;
    private final CentralConfigListener listener;
    private Clock clock = Clock.systemUTC();
    private RandomGenerator random = RandomGenerator.getDefault();
    private @Nullable OkHttpClient httpClient;
    private @Nullable WorkloadCertificateManager certificates;

    private Builder(DiscoveryConfig config, CentralConfigListener listener) {
      this.config = Objects.requireNonNull(config, "config");
      this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** Stamps the disk cache and the status; the system's UTC clock by default. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The jitter of backoff and renewals; seed it in tests. */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * The Mesh's base client: the agent derives its clients from it with {@code newBuilder()}, so
     * they share its pool and dispatcher, and leaves its release to the owner. Without one the
     * agent makes its own and releases it on close.
     */
    public Builder httpClient(OkHttpClient base) {
      this.httpClient = Objects.requireNonNull(base, "base");
      return this;
    }

    /**
     * The workload's certificate (signed by the discovery server's CA, for instance through a
     * {@link DiscoveryCertificateSigner}): the agent proves itself with it over mTLS from the
     * first call, and hands each new trust bundle the servers publish (a root rotation) to it.
     * Needs the mesh roots in the config.
     */
    public Builder certificates(WorkloadCertificateManager certificates) {
      this.certificates = Objects.requireNonNull(certificates, "certificates");
      return this;
    }

    /**
     * Registers with the first server that answers (or, when none does, applies the last view
     * kept on disk) and starts watching.
     *
     * @throws IllegalStateException when a server refuses the registration itself (a token bound
     *     to another identity): retrying would not help
     */
    public DiscoveryAgent start() {
      return new DiscoveryAgent(this).begin();
    }
  }
}
