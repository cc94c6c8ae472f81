package dev.meshlet.routing;

import dev.meshlet.tls.client.ClientTlsFactory;
import dev.meshlet.core.config.snapshot.ConfigSnapshot;
import dev.meshlet.routing.endpoint.EndpointRegistry;
import dev.meshlet.routing.internal.MeshContext;
import dev.meshlet.routing.internal.MeshInterceptor;
import dev.meshlet.routing.internal.Planner;
import dev.meshlet.routing.mirror.MirrorExecutor;
import dev.meshlet.routing.retry.RetryBudgetConfig;
import java.io.Closeable;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.jspecify.annotations.Nullable;

/**
 * Outbound traffic management for one calling service: wraps the application's OkHttp clients so
 * every call obeys the VirtualServices and DestinationRules in force.
 *
 * <pre>{@code
 * AtomicReference<ConfigSnapshot> config = ...;       // swapped by whoever applies config
 * AtomicReference<EndpointRegistry> endpoints = ...;  // swapped by whoever tracks registrations
 * MeshRouting mesh = MeshRouting.builder(CallerIdentity.of("productpage", "default"))
 *     .config(config::get)
 *     .endpoints(endpoints::get)
 *     .build();
 * OkHttpClient client = mesh.wrap(new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(5)));
 * client.newCall(new Request.Builder().url("http://reviews/reviews/0").build()).execute();
 * }</pre>
 *
 * <p>The application's interceptors, timeouts, dispatcher and connection pool stay its own: the
 * mesh adds one interceptor after the application's and runs each attempt on the application's
 * own call ({@code chain.proceed} toward the endpoint), or, for a try with a per-try timeout of
 * its own, on a client derived from the application's with {@code newBuilder()}: all routes share
 * one pool and dispatcher. The wrapped client follows no redirects and keeps no cookies or cache
 * itself: the mesh does the first two, for the logical URL, as the given client says.
 * A new snapshot or registry is compiled once, by the first call that sees it; calls in flight
 * finish under the one they started with. {@link #close()} stops the mirror threads; the
 * application's OkHttp resources remain the application's to close.
 */
public final class MeshRouting implements Closeable {
  private final MeshContext context;
  private final MirrorExecutor mirrors;

  private MeshRouting(Builder b) {
    this.mirrors = new MirrorExecutor(b.mirrorThreads, b.mirrorQueue);
    this.context = new MeshContext(b.config, b.endpoints, b.caller, b.clock, b.random, b.listener, mirrors,
        b.mirrorTimeout, b.nonIdempotentMethods, b.retryBudget, b.locality, b.sourceAddress, b.clientTls);
  }

  public static Builder builder(CallerIdentity caller) {
    return new Builder(caller);
  }

  /** The application's client, built from {@code builder}, with the mesh's routing added. */
  public OkHttpClient wrap(OkHttpClient.Builder builder) {
    return wrap(builder.build());
  }

  /** {@code client} with the mesh's routing added; it shares {@code client}'s pool and dispatcher. */
  public OkHttpClient wrap(OkHttpClient client) {
    MeshInterceptor mesh = new MeshInterceptor(context, client);
    // Most tries run on the application's own call, below the mesh's interceptor: the mesh follows
    // redirects (through routing) and keeps cookies itself, for the logical URL, so OkHttp must not
    // do either for an endpoint's address, nor cache.
    return client.newBuilder()
        .addInterceptor(mesh)
        .addNetworkInterceptor(mesh.networkInterceptor())
        .followRedirects(false)
        .followSslRedirects(false)
        .cookieJar(okhttp3.CookieJar.NO_COOKIES)
        .cache(null)
        .eventListenerFactory(mesh.eventListenerFactory(client.eventListenerFactory()))
        .build();
  }

  /**
   * Where {@code request} would go under the config and endpoints in force, without sending it:
   * the route, the destination and the endpoint, or why it would fail. Weighted and balanced
   * choices draw as a call would.
   */
  public RoutePlan plan(Request request) {
    return Planner.plan(context, request);
  }

  /**
   * Every outbound cluster calls have used, with its endpoints' load-balancer and outlier state
   * and its pool usage, as compiled under the config in force (admin {@code /clusters}). A cluster
   * appears once a call has gone to it; after a config change it shows the endpoints of the last
   * compile until the next call recompiles it.
   */
  public List<ClusterStatus> clusters() {
    return context.clusters();
  }

  /** Mirror copies dropped so far because mirror capacity was full (or the body could not be copied). */
  public long droppedMirrors() {
    return mirrors.dropped();
  }

  @Override
  public void close() {
    mirrors.close();
  }

  /** Configures a {@link MeshRouting}; every setting but the caller has a default. */
  public static final class Builder {
    /** Methods not retried once the request may have reached the server. */
    public static final Set<String> DEFAULT_NON_IDEMPOTENT_METHODS = Set.of("POST", "PATCH");

    private final CallerIdentity caller;
    private Supplier<ConfigSnapshot> config = ConfigSnapshot::empty;
    private Supplier<EndpointRegistry> endpoints = EndpointRegistry::empty;
    private Clock clock = Clock.systemUTC();
    private RandomGenerator random = ThreadLocalRandom.current();
    private MeshCallListener listener = MeshCallListener.NONE;
    private RetryBudgetConfig retryBudget = RetryBudgetConfig.DEFAULT;
    private Set<String> nonIdempotentMethods = DEFAULT_NON_IDEMPOTENT_METHODS;
    private int mirrorThreads = 4;
    private int mirrorQueue = 64;
    private Duration mirrorTimeout = Duration.ofSeconds(10);
    private @Nullable String locality;
    private @Nullable String sourceAddress;
    private @Nullable ClientTlsFactory clientTls;

    private Builder(CallerIdentity caller) {
      this.caller = Objects.requireNonNull(caller, "caller");
    }

    /** Where the config in force is read, on every call: a volatile read, typically. */
    public Builder config(Supplier<ConfigSnapshot> config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /** Where the registry in force is read, on every call. */
    public Builder endpoints(Supplier<EndpointRegistry> endpoints) {
      this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
      return this;
    }

    /** The clock deadlines, the retry budget and outlier detection read. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The random source weights, fault percentages, mirror percentages and jitter draw from; must be thread-safe. */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    public Builder listener(MeshCallListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** The retry budget per destination service; {@link RetryBudgetConfig#UNLIMITED} turns it off. */
    public Builder retryBudget(RetryBudgetConfig retryBudget) {
      this.retryBudget = Objects.requireNonNull(retryBudget, "retryBudget");
      return this;
    }

    /** Methods never retried once the request may have reached the server (default POST and PATCH). */
    public Builder nonIdempotentMethods(String... methods) {
      this.nonIdempotentMethods = Stream.of(methods).map(m -> m.toUpperCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
      return this;
    }

    /** Threads and queue length for mirror copies (default 4 and 64); beyond them copies are dropped. */
    public Builder mirrorCapacity(int threads, int queue) {
      this.mirrorThreads = threads;
      this.mirrorQueue = queue;
      return this;
    }

    /** How long a mirror copy may take when its route has no timeout (default 10 s). */
    public Builder mirrorTimeout(Duration mirrorTimeout) {
      this.mirrorTimeout = Objects.requireNonNull(mirrorTimeout, "mirrorTimeout");
      return this;
    }

    /** The caller's {@code region/zone/subzone}, for locality-aware load balancing; unknown by default. */
    public Builder locality(@Nullable String locality) {
      this.locality = locality;
      return this;
    }

    /** The caller's own IP address, the key of {@code consistentHash.useSourceIp}; unknown by default. */
    public Builder sourceAddress(@Nullable String sourceAddress) {
      this.sourceAddress = sourceAddress;
      return this;
    }

    /**
     * How attempts connect to each cluster: the DestinationRule's {@code tls} settings, or else
     * auto mTLS (mesh mTLS toward endpoints that registered a service account, plaintext toward
     * others). Without it (the default) every attempt is plaintext.
     */
    public Builder clientTls(@Nullable ClientTlsFactory clientTls) {
      this.clientTls = clientTls;
      return this;
    }

    public MeshRouting build() {
      return new MeshRouting(this);
    }
  }
}
