package dev.meshlet.tls.identity;

import java.util.Objects;

/**
 * The identity of a workload as Istio derives it from a Kubernetes service account:
 * {@code spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>}.
 */
public record WorkloadIdentity(TrustDomain trustDomain, String namespace, String serviceAccount) {

  public static final String DEFAULT_NAMESPACE = "default";

  public WorkloadIdentity {
    Objects.requireNonNull(trustDomain, "trustDomain");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(serviceAccount, "serviceAccount");
    checkSegment("namespace", namespace);
    checkSegment("serviceAccount", serviceAccount);
  }

  /** The identity of {@code serviceAccount} in {@code namespace} of the default trust domain. */
  public static WorkloadIdentity of(String namespace, String serviceAccount) {
    return new WorkloadIdentity(TrustDomain.DEFAULT, namespace, serviceAccount);
  }

  /** The identity of {@code serviceAccount} in the default namespace and trust domain. */
  public static WorkloadIdentity ofServiceAccount(String serviceAccount) {
    return new WorkloadIdentity(TrustDomain.DEFAULT, DEFAULT_NAMESPACE, serviceAccount);
  }

  /**
   * Reads the identity out of an Istio-shaped SPIFFE ID, failing when its path is not
   * {@code /ns/<namespace>/sa/<service-account>}.
   */
  public static WorkloadIdentity fromSpiffeId(SpiffeId id) {
    String[] parts = id.path().split("/", -1);
    if (parts.length != 5 || !parts[1].equals("ns") || !parts[3].equals("sa")) {
      throw new IllegalArgumentException("SPIFFE ID \"" + id + "\" is not a workload identity"
          + " (expected: path /ns/<namespace>/sa/<service-account>)");
    }
    return new WorkloadIdentity(id.trustDomain(), parts[2], parts[4]);
  }

  public SpiffeId spiffeId() {
    return new SpiffeId(trustDomain, "/ns/" + namespace + "/sa/" + serviceAccount);
  }

  /** The principal as Istio's AuthorizationPolicy writes it: the SPIFFE ID without its scheme. */
  public String principal() {
    return trustDomain.name() + "/ns/" + namespace + "/sa/" + serviceAccount;
  }

  @Override
  public String toString() {
    return spiffeId().toString();
  }

  private static void checkSegment(String field, String value) {
    if (value.isEmpty()) {
      throw new IllegalArgumentException("workload identity " + field + ": empty (expected: a name)");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '-' || c == '_';
      if (!ok) {
        throw new IllegalArgumentException("workload identity " + field + ": \"" + value
            + "\" has the character '" + TrustDomain.printable(c) + "' at index " + i
            + " (expected: A-Z, a-z, 0-9, '.', '-' or '_')");
      }
    }
    if (value.equals(".") || value.equals("..")) {
      throw new IllegalArgumentException("workload identity " + field + ": \"" + value
          + "\" is a relative segment (expected: a name)");
    }
  }
}
