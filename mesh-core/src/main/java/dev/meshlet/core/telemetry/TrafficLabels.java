package dev.meshlet.core.telemetry;

import java.util.Objects;

/**
 * The labels of Istio's standard metrics that depend on who talks to whom rather than on how a
 * call ended: reporter, source and destination identity, destination service, connection
 * security policy. The runtime builds one per peer (per endpoint on the client, per caller on
 * the server), when a snapshot or a connection changes, and passes the same instance with every
 * call; the metrics cache finds the meters of a call with its precomputed hash.
 *
 * <p>A class rather than a record so that the hash is computed once, not per call.
 */
public final class TrafficLabels {
  private final Reporter reporter;
  private final WorkloadLabels source;
  private final WorkloadLabels destination;
  private final ServiceLabels service;
  private final SecurityPolicy securityPolicy;
  private final int hash;

  private TrafficLabels(
      Reporter reporter,
      WorkloadLabels source,
      WorkloadLabels destination,
      ServiceLabels service,
      SecurityPolicy securityPolicy) {
    this.reporter = Objects.requireNonNull(reporter, "reporter");
    this.source = Objects.requireNonNull(source, "source");
    this.destination = Objects.requireNonNull(destination, "destination");
    this.service = Objects.requireNonNull(service, "service");
    this.securityPolicy = Objects.requireNonNull(securityPolicy, "securityPolicy");
    this.hash = Objects.hash(reporter, source, destination, service, securityPolicy);
  }

  /**
   * The labels a client reports ({@code reporter="source"}). Istio's client cannot know the
   * server's policy, so the connection security policy is {@code unknown}.
   */
  public static TrafficLabels source(
      WorkloadLabels self, WorkloadLabels destination, ServiceLabels service) {
    return new TrafficLabels(Reporter.SOURCE, self, destination, service, SecurityPolicy.UNKNOWN);
  }

  /**
   * The labels a server reports ({@code reporter="destination"}), with {@code mutual_tls} or
   * {@code none} as the connection was.
   */
  public static TrafficLabels destination(
      WorkloadLabels source, WorkloadLabels self, ServiceLabels service, boolean mutualTls) {
    return new TrafficLabels(
        Reporter.DESTINATION,
        source,
        self,
        service,
        mutualTls ? SecurityPolicy.MUTUAL_TLS : SecurityPolicy.NONE);
  }

  /** Any combination, for callers that know better than the two factories. */
  public static TrafficLabels of(
      Reporter reporter,
      WorkloadLabels source,
      WorkloadLabels destination,
      ServiceLabels service,
      SecurityPolicy securityPolicy) {
    return new TrafficLabels(reporter, source, destination, service, securityPolicy);
  }

  public Reporter reporter() {
    return reporter;
  }

  public WorkloadLabels source() {
    return source;
  }

  public WorkloadLabels destination() {
    return destination;
  }

  public ServiceLabels service() {
    return service;
  }

  public SecurityPolicy securityPolicy() {
    return securityPolicy;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    return o instanceof TrafficLabels t
        && hash == t.hash
        && reporter == t.reporter
        && securityPolicy == t.securityPolicy
        && source.equals(t.source)
        && destination.equals(t.destination)
        && service.equals(t.service);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return "TrafficLabels[reporter="
        + reporter.label()
        + ", source="
        + source
        + ", destination="
        + destination
        + ", service="
        + service
        + ", securityPolicy="
        + securityPolicy.label()
        + "]";
  }
}
