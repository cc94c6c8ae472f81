package dev.meshlet.tls.ca;

import dev.meshlet.tls.identity.TrustDomain;
import dev.meshlet.tls.pki.KeyType;
import java.time.Duration;
import java.util.Objects;

/**
 * How the certificate authority makes its root and workload certificates. Defaults are Istio's:
 * a root of 10 years, workload certificates of 24 hours and at most 90 days, backdated 2 minutes
 * for clock skew between the CA and workloads.
 *
 * @param trustDomain the trust domain the CA issues identities of
 * @param rootKeyType the key of a root made on first start
 * @param rootTtl how long a root made on first start lives
 * @param defaultWorkloadTtl the lifetime of a workload certificate when the caller asks for none
 * @param maxWorkloadTtl the longest lifetime a caller may ask for
 * @param backdate how far before now a workload certificate's validity starts
 * @param organization the O= of a root made on first start
 */
public record CaConfig(
    TrustDomain trustDomain,
    KeyType rootKeyType,
    Duration rootTtl,
    Duration defaultWorkloadTtl,
    Duration maxWorkloadTtl,
    Duration backdate,
    String organization) {

  public static final Duration DEFAULT_ROOT_TTL = Duration.ofDays(3650);
  public static final Duration DEFAULT_WORKLOAD_TTL = Duration.ofHours(24);
  public static final Duration DEFAULT_MAX_WORKLOAD_TTL = Duration.ofDays(90);
  /** Istio's ClockSkewGracePeriod. */
  public static final Duration DEFAULT_BACKDATE = Duration.ofMinutes(2);

  public CaConfig {
    Objects.requireNonNull(trustDomain, "trustDomain");
    Objects.requireNonNull(rootKeyType, "rootKeyType");
    Objects.requireNonNull(organization, "organization");
    positive("rootTtl", rootTtl);
    positive("defaultWorkloadTtl", defaultWorkloadTtl);
    positive("maxWorkloadTtl", maxWorkloadTtl);
    Objects.requireNonNull(backdate, "backdate");
    if (backdate.isNegative()) {
      throw new IllegalArgumentException("backdate: " + backdate + " (expected: >= 0)");
    }
    if (defaultWorkloadTtl.compareTo(maxWorkloadTtl) > 0) {
      throw new IllegalArgumentException("defaultWorkloadTtl: " + defaultWorkloadTtl
          + " (expected: at most maxWorkloadTtl " + maxWorkloadTtl + ")");
    }
    if (organization.isBlank()) {
      throw new IllegalArgumentException("organization: blank (expected: a name for the root's O=)");
    }
  }

  public static CaConfig ofDefaults() {
    return of(TrustDomain.DEFAULT);
  }

  public static CaConfig of(TrustDomain trustDomain) {
    return new CaConfig(trustDomain, KeyType.DEFAULT, DEFAULT_ROOT_TTL, DEFAULT_WORKLOAD_TTL,
        DEFAULT_MAX_WORKLOAD_TTL, DEFAULT_BACKDATE, trustDomain.name());
  }

  public CaConfig withRootKeyType(KeyType keyType) {
    return new CaConfig(trustDomain, keyType, rootTtl, defaultWorkloadTtl, maxWorkloadTtl, backdate, organization);
  }

  public CaConfig withRootTtl(Duration ttl) {
    return new CaConfig(trustDomain, rootKeyType, ttl, defaultWorkloadTtl, maxWorkloadTtl, backdate, organization);
  }

  public CaConfig withDefaultWorkloadTtl(Duration ttl) {
    return new CaConfig(trustDomain, rootKeyType, rootTtl, ttl, maxWorkloadTtl, backdate, organization);
  }

  public CaConfig withMaxWorkloadTtl(Duration ttl) {
    return new CaConfig(trustDomain, rootKeyType, rootTtl, defaultWorkloadTtl, ttl, backdate, organization);
  }

  public CaConfig withBackdate(Duration backdate) {
    return new CaConfig(trustDomain, rootKeyType, rootTtl, defaultWorkloadTtl, maxWorkloadTtl, backdate, organization);
  }

  private static void positive(String field, Duration value) {
    Objects.requireNonNull(value, field);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(field + ": " + value + " (expected: > 0)");
    }
  }
}
