package dev.meshlet.tls.pki;

import dev.meshlet.tls.identity.TrustDomain;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The roots a trust domain's certificates chain to. It may hold more than one root, so a root
 * can be rotated without an outage: publish old and new, move workloads to the new root, then
 * drop the old one. Immutable.
 */
public final class TrustBundle {

  private final TrustDomain trustDomain;
  private final List<X509Certificate> roots;
  private final Set<TrustAnchor> anchors;

  private TrustBundle(TrustDomain trustDomain, List<X509Certificate> roots) {
    this.trustDomain = Objects.requireNonNull(trustDomain, "trustDomain");
    if (roots.isEmpty()) {
      throw new IllegalArgumentException("trust bundle of " + trustDomain + ": no root (expected: at least one)");
    }
    Set<X509Certificate> unique = new LinkedHashSet<>();
    for (X509Certificate root : roots) {
      Objects.requireNonNull(root, "root");
      if (root.getBasicConstraints() < 0) {
        throw new IllegalArgumentException("trust bundle of " + trustDomain + ": "
            + SpiffeCertificates.describe(root) + " is not a CA certificate (expected: basicConstraints CA:TRUE)");
      }
      unique.add(root);
    }
    this.roots = List.copyOf(unique);
    Set<TrustAnchor> a = new LinkedHashSet<>();
    for (X509Certificate root : this.roots) {
      a.add(new TrustAnchor(root, null));
    }
    this.anchors = Set.copyOf(a);
  }

  public static TrustBundle of(TrustDomain trustDomain, List<X509Certificate> roots) {
    return new TrustBundle(trustDomain, List.copyOf(roots));
  }

  public static TrustBundle of(TrustDomain trustDomain, X509Certificate root) {
    return new TrustBundle(trustDomain, List.of(root));
  }

  public TrustDomain trustDomain() {
    return trustDomain;
  }

  public List<X509Certificate> roots() {
    return roots;
  }

  /** The roots as PKIX trust anchors, built once. */
  public Set<TrustAnchor> trustAnchors() {
    return anchors;
  }

  public boolean contains(X509Certificate certificate) {
    return roots.contains(certificate);
  }

  /** A bundle that also trusts {@code root}, for the first step of a root rotation. */
  public TrustBundle withRoot(X509Certificate root) {
    List<X509Certificate> next = new ArrayList<>(roots);
    next.add(root);
    return new TrustBundle(trustDomain, next);
  }

  /** A bundle without {@code root}, for the last step of a root rotation. */
  public TrustBundle withoutRoot(X509Certificate root) {
    List<X509Certificate> next = new ArrayList<>(roots);
    if (!next.remove(root)) {
      throw new IllegalArgumentException("trust bundle of " + trustDomain + ": "
          + SpiffeCertificates.describe(root) + " is not in the bundle");
    }
    return new TrustBundle(trustDomain, next);
  }

  /** The roots in PEM, one block after another, as Istio's root-cert.pem holds them. */
  public String toPem() {
    return Pem.certificates(roots);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TrustBundle other
        && trustDomain.equals(other.trustDomain) && roots.equals(other.roots);
  }

  @Override
  public int hashCode() {
    return trustDomain.hashCode() * 31 + roots.hashCode();
  }

  @Override
  public String toString() {
    return "TrustBundle{" + trustDomain + ", " + roots.size() + " root(s)}";
  }
}
