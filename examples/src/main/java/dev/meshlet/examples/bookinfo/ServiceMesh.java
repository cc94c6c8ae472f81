package dev.meshlet.examples.bookinfo;

import dev.meshlet.agent.server.InboundContext;
import dev.meshlet.agent.server.InboundTelemetry;
import dev.meshlet.agent.server.jdk.MeshJdkServer;
import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.ResourceId;
import dev.meshlet.core.config.ResourceReport;
import dev.meshlet.core.config.codec.ConfigReader;
import dev.meshlet.core.config.snapshot.ConfigSnapshot;
import dev.meshlet.core.protocol.Endpoint;
import dev.meshlet.core.protocol.ResourceRef;
import dev.meshlet.core.protocol.WatchEvent;
import dev.meshlet.core.registry.WorkloadInstance;
import dev.meshlet.routing.CallerIdentity;
import dev.meshlet.routing.MeshCallListener;
import dev.meshlet.routing.MeshRouting;
import dev.meshlet.routing.ResponseFlag;
import dev.meshlet.routing.endpoint.EndpointRegistry;
import dev.meshlet.tls.identity.WorkloadIdentity;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * The mesh runtime one Bookinfo workload runs in: the config snapshot and endpoints in force, the
 * mesh-wrapped OkHttp client for outbound calls, the inbound context for the server adapter and
 * the metrics the admin endpoint serves.
 *
 * <p>This is the examples' seam until the agent's {@code Mesh} facade is merged: it composes the
 * library parts that exist ({@link MeshRouting}, {@link MeshJdkServer}) the way the facade will,
 * and takes its updates from {@link DiscoveryLink}. When the facade lands, this class shrinks to
 * {@code Mesh.builder(...)} and nothing else in the example changes.
 */
public final class ServiceMesh implements AutoCloseable {

  private final WorkloadInstance self;
  private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MeshRouting routing;
  private final OkHttpClient client;
  private final InboundContext inbound;
  private final Map<ResourceId, Resource<?>> resources = new LinkedHashMap<>();
  private final Map<String, WorkloadInstance> endpointsById = new LinkedHashMap<>();
  private volatile ConfigSnapshot snapshot = ConfigSnapshot.empty();
  private volatile EndpointRegistry endpoints = EndpointRegistry.empty();

  /** A runtime for {@code self} with nothing configured yet: unknown hosts pass through. */
  public ServiceMesh(WorkloadInstance self) {
    this.self = Objects.requireNonNull(self, "self");
    this.routing = MeshRouting.builder(new CallerIdentity(self.service(), self.namespace(), self.labels()))
        .config(() -> snapshot)
        .endpoints(() -> endpoints)
        .listener(new Metrics())
        .build();
    this.client = routing.wrap(new OkHttpClient.Builder());
    this.inbound = InboundContext.of(() -> snapshot, WorkloadIdentity.of(self.namespace(), self.serviceAccount()),
        self.labels(), null, InboundTelemetry.NOOP, Clock.systemUTC());
  }

  /** This workload as the registry knows it. */
  public WorkloadInstance self() {
    return self;
  }

  /** The client to call other services with: routes, retries, faults and the rest apply. */
  public OkHttpClient httpClient() {
    return client;
  }

  /** What the server adapter needs: the snapshot in force, this workload's identity and labels. */
  public InboundContext inbound() {
    return inbound;
  }

  /** The config in force. */
  public ConfigSnapshot config() {
    return snapshot;
  }

  /** The endpoints of the mesh as this workload sees them. */
  public Map<String, WorkloadInstance> endpoints() {
    synchronized (this) {
      return Map.copyOf(endpointsById);
    }
  }

  /** Prometheus text of this workload's meters. */
  public String scrape() {
    return meters.scrape();
  }

  /**
   * Applies one watch event whole, or nothing of it.
   *
   * @return null when applied, else why it was refused (the NACK's error)
   */
  public synchronized @Nullable String apply(WatchEvent event) {
    if (event.type() == WatchEvent.Type.HEARTBEAT) {
      return null;
    }
    Map<ResourceId, Resource<?>> nextResources =
        event.type() == WatchEvent.Type.FULL ? new LinkedHashMap<>() : new LinkedHashMap<>(resources);
    Map<String, WorkloadInstance> nextEndpoints =
        event.type() == WatchEvent.Type.FULL ? new LinkedHashMap<>() : new LinkedHashMap<>(endpointsById);
    List<String> errors = new ArrayList<>();
    for (ResourceRef removed : event.removedResources()) {
      removed.toId().ifPresent(nextResources::remove);
    }
    int index = 0;
    for (var node : event.resources()) {
      ResourceReport report = ConfigReader.readDocument("watch@" + event.version(), index++, node);
      if (!report.valid() || report.resource() == null) {
        errors.add(report.kind() + " " + report.namespace() + "/" + report.name() + ": "
            + report.errors().stream().map(Object::toString).collect(Collectors.joining("; ")));
        continue;
      }
      Resource<?> resource = report.resource();
      nextResources.put(resource.id(), resource);
    }
    event.removedEndpoints().forEach(nextEndpoints::remove);
    for (Endpoint endpoint : event.endpoints()) {
      nextEndpoints.put(endpoint.id(), endpoint.workload());
    }
    if (!errors.isEmpty()) {
      return String.join("; ", errors);
    }
    ConfigSnapshot nextSnapshot;
    EndpointRegistry nextRegistry;
    try {
      nextSnapshot = ConfigSnapshot.of(event.version(), nextResources.values());
      nextRegistry = EndpointRegistry.of(nextEndpoints.values());
    } catch (RuntimeException e) {
      return String.valueOf(e.getMessage());
    }
    resources.clear();
    resources.putAll(nextResources);
    endpointsById.clear();
    endpointsById.putAll(nextEndpoints);
    endpoints = nextRegistry;
    snapshot = nextSnapshot;
    return null;
  }

  @Override
  public void close() {
    routing.close();
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
    meters.close();
  }

  /** Counts calls with Istio's metric name and its main labels (reporter=source). */
  private final class Metrics implements MeshCallListener {
    @Override
    public void onCall(Call call) {
      String flags = call.flags().isEmpty() ? "-"
          : call.flags().stream().map(ResponseFlag::name).sorted().collect(Collectors.joining(","));
      Counter.builder("istio_requests_total")
          .tag("reporter", "source")
          .tag("source_workload", self.service() + "-" + self.labels().getOrDefault("version", "unknown"))
          .tag("source_app", self.service())
          .tag("destination_service", call.host())
          .tag("response_code", Integer.toString(call.status()))
          .tag("response_flags", flags)
          .register(meters)
          .increment();
    }
  }
}
