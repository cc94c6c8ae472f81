package dev.meshlet.routing.endpoint;

import dev.meshlet.core.registry.WorkloadInstance;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One place a call can go: an address and port of a workload instance, with the labels subsets
 * select on, its locality, its load-balancing weight and the identity its certificate carries.
 * Immutable; equal endpoints are the same upstream host (Envoy's "host").
 *
 * @param address IP address or host name
 * @param port the port the call connects to
 * @param labels the instance's labels ({@code version: v1})
 * @param locality {@code region/zone/subzone}, or null when unknown
 * @param weight relative load-balancing weight, at least 1
 * @param serviceAccount the service account its certificate names, or null outside the mesh
 * @param instance the registered instance this endpoint is a port of (its service, namespace and
 *     labels name the destination workload in telemetry), or null for a ServiceEntry's address.
 *     A description, not part of the identity: {@link #equals} ignores it.
 */
public record Endpoint(
    String address,
    int port,
    Map<String, String> labels,
    @Nullable String locality,
    int weight,
    @Nullable String serviceAccount,
    @Nullable WorkloadInstance instance) {

  public Endpoint {
    Objects.requireNonNull(address, "address");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
    }
    if (weight < 1) {
      throw new IllegalArgumentException("weight: " + weight + " (expected: >= 1)");
    }
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  /** An endpoint that is no registered instance (a ServiceEntry's address, a test's). */
  public Endpoint(String address, int port, Map<String, String> labels, @Nullable String locality, int weight,
      @Nullable String serviceAccount) {
    this(address, port, labels, locality, weight, serviceAccount, null);
  }

  public static Endpoint of(String address, int port) {
    return new Endpoint(address, port, Map.of(), null, 1, null, null);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Endpoint e && port == e.port && weight == e.weight && address.equals(e.address)
        && labels.equals(e.labels) && Objects.equals(locality, e.locality)
        && Objects.equals(serviceAccount, e.serviceAccount);
  }

  @Override
  public int hashCode() {
    // As Objects.hash would, without its array and boxing: maps keyed by endpoints run per try.
    int h = address.hashCode();
    h = 31 * h + port;
    h = 31 * h + labels.hashCode();
    h = 31 * h + Objects.hashCode(locality);
    h = 31 * h + weight;
    return 31 * h + Objects.hashCode(serviceAccount);
  }

  /** {@code address:port}, with IPv6 addresses in brackets: Envoy's upstream_host. */
  public String hostPort() {
    return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
  }

  /** Whether this endpoint carries every label of {@code selector}. */
  public boolean matches(Map<String, String> selector) {
    return labels.entrySet().containsAll(selector.entrySet());
  }

  @Override
  public String toString() {
    return hostPort();
  }
}
