package dev.meshlet.discovery.ca;

import dev.meshlet.discovery.DiscoveryException;
import dev.meshlet.tls.ca.CaConfig;
import dev.meshlet.tls.ca.CertificateAuthority;
import dev.meshlet.tls.ca.CsrRejectedException;
import dev.meshlet.tls.ca.IssuedCertificate;
import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.identity.WorkloadIdentity;
import dev.meshlet.tls.pki.Pem;
import dev.meshlet.tls.pki.TrustBundle;
import dev.meshlet.tls.workload.CertificateSigner;
import dev.meshlet.tls.workload.SignedCertificate;
import dev.meshlet.tls.workload.WorkloadCertificateManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs workload CSRs with the mesh CA (kept in {@code DATA/ca} in Istio's cacerts layout). The
 * caller passes the identity its credential proved; the certificate carries that identity and no
 * other, whatever the CSR asks (a CSR naming another identity is refused).
 *
 * <p>Each issuance is recorded in {@code DATA/issued-certificates.jsonl} before the certificate
 * is handed out, for {@code meshctl cert}. {@link #rotateRoot()} replaces the signing root with a
 * new one while the trust bundle keeps the previous root beside it, so certificates of both
 * verify during the overlap.
 */
public final class CaService {
  /** The namespace and service account of the discovery server's own identity. */
  public static final String SERVER_NAMESPACE = "istio-system";
  public static final String SERVER_SERVICE_ACCOUNT = "meshlet-discovery";
  /** The file in the data directory that records the last certificate issued to each identity. */
  public static final String ISSUED_FILE = "issued-certificates.jsonl";

  /** The files of the CA directory, in Istio's cacerts layout. */
  public static final List<String> CACERTS_FILES = List.of("ca-cert.pem", "ca-key.pem", "root-cert.pem", "cert-chain.pem");

  private static final Logger log = LoggerFactory.getLogger(CaService.class);

  private final Path dataDir;
  private final Clock clock;
  private final IssuanceLog issued;
  private final List<Consumer<TrustBundle>> rootListeners = new CopyOnWriteArrayList<>();
  private volatile CertificateAuthority ca;

  /** The last certificate issued to one identity, for {@code meshctl cert}. */
  public record Issued(SpiffeId spiffeId, List<X509Certificate> chain) {
    public Issued {
      chain = List.copyOf(chain);
    }
  }

  private CaService(Path dataDir, Clock clock, CertificateAuthority ca, IssuanceLog issued) {
    this.dataDir = dataDir;
    this.clock = clock;
    this.ca = ca;
    this.issued = issued;
  }

  /** Loads the CA in {@code DATA/ca}, or makes and keeps one there on first start, and the issuance record. */
  public static CaService loadOrCreate(Path dataDir, Clock clock) throws IOException {
    Path dir = dataDir.resolve("ca");
    Path next = dataDir.resolve("ca.next");
    if (!Files.exists(dir) && Files.isDirectory(next)) {
      // A rotation stopped between its two renames: the new CA was complete, finish it.
      Files.move(next, dir, StandardCopyOption.ATOMIC_MOVE);
    }
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir, CaConfig.ofDefaults(), clock, new SecureRandom());
    return new CaService(dataDir, clock, ca, IssuanceLog.open(dataDir.resolve(ISSUED_FILE)));
  }

  public CertificateAuthority authority() {
    return ca;
  }

  /** The SPIFFE ID of a service account in a namespace, in the CA's trust domain. */
  public SpiffeId identity(String namespace, String serviceAccount) {
    return new WorkloadIdentity(ca.config().trustDomain(), namespace, serviceAccount).spiffeId();
  }

  /** The discovery server's own identity, which agents and meshctl check on every connection. */
  public SpiffeId serverIdentity() {
    return identity(SERVER_NAMESPACE, SERVER_SERVICE_ACCOUNT);
  }

  /**
   * Starts the server's own rotating certificate, signed in process by this CA (the current one,
   * after a root rotation). Its trust bundle follows {@link #rotateRoot()} at once, so client
   * certificates from the new root are accepted; its own certificate moves to the new root at its
   * next rotation.
   */
  public WorkloadCertificateManager serverCertificates(Clock clock) throws IOException, GeneralSecurityException {
    SpiffeId id = serverIdentity();
    CertificateSigner signer = (csr, ttl) -> {
      CertificateAuthority current = ca;
      return new SignedCertificate(current.sign(csr, id, ttl).chain(), current.trustBundle());
    };
    WorkloadCertificateManager m = WorkloadCertificateManager.builder(id, signer).clock(clock).start();
    rootListeners.add(m::updateTrustBundle);
    return m;
  }

  /** Calls {@code listener} with the new trust bundle after each {@link #rotateRoot()}. */
  public void onRootRotation(Consumer<TrustBundle> listener) {
    rootListeners.add(listener);
  }

  /** The trust bundle (the mesh's root certificates) as PEM. */
  public String rootsPem() {
    return ca.trustBundle().toPem();
  }

  public TrustBundle trustBundle() {
    return ca.trustBundle();
  }

  /**
   * Makes a new self-signed root and signs with it from now on; the trust bundle holds the new
   * root and the root signed with until now (older ones are dropped), so every certificate issued
   * before still verifies while agents pick up the new bundle. Kept in {@code DATA/ca}: the new CA
   * is written complete beside it, then swapped in by renames, so a crash leaves the old or the
   * new CA, never a mix.
   *
   * @return the new trust bundle
   */
  public synchronized TrustBundle rotateRoot() throws IOException {
    CertificateAuthority old = ca;
    Path dir = dataDir.resolve("ca");
    Path next = dataDir.resolve("ca.next");
    Path previous = dataDir.resolve("ca.previous");
    deleteTree(next);
    CertificateAuthority fresh = CertificateAuthority.loadOrCreate(next, old.config(), clock, new SecureRandom());
    List<X509Certificate> roots = new ArrayList<>();
    roots.add(fresh.rootCertificate());
    roots.add(old.rootCertificate());
    Path rootFile = next.resolve("root-cert.pem");
    Path tmp = next.resolve("root-cert.pem.tmp");
    Files.writeString(tmp, Pem.certificates(roots), StandardCharsets.US_ASCII);
    Files.move(tmp, rootFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    CertificateAuthority rotated = CertificateAuthority.fromCacerts(next, old.config(), clock, new SecureRandom());
    deleteTree(previous);
    Files.move(dir, previous, StandardCopyOption.ATOMIC_MOVE);
    Files.move(next, dir, StandardCopyOption.ATOMIC_MOVE);
    ca = rotated;
    log.info("mesh root rotated: signing with {}, trusting {} root(s)", rotated.rootCertificate().getSubjectX500Principal(),
        rotated.trustBundle().roots().size());
    for (Consumer<TrustBundle> l : rootListeners) {
      try {
        l.accept(rotated.trustBundle());
      } catch (RuntimeException e) {
        log.warn("a root rotation listener failed", e);
      }
    }
    return rotated.trustBundle();
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /**
   * Signs {@code csrPem} for {@code proven} and records the issuance durably.
   *
   * @throws DiscoveryException 400 for a CSR that is not one, 403 when it asks for another identity
   * @throws IOException when the issuance cannot be recorded; the certificate is then not handed out
   */
  public IssuedCertificate sign(String csrPem, SpiffeId proven, @Nullable Duration ttl) throws IOException {
    byte[] der;
    try {
      der = Pem.readCertificationRequest(csrPem, "csr");
    } catch (IllegalArgumentException e) {
      throw DiscoveryException.badRequest("csr: " + e.getMessage());
    }
    CertificateAuthority current = ca;
    IssuedCertificate cert;
    try {
      cert = ttl == null ? current.sign(der, proven) : current.sign(der, proven, ttl);
    } catch (CsrRejectedException e) {
      int status = e.reason() == CsrRejectedException.Reason.IDENTITY_MISMATCH ? 403 : 400;
      throw new DiscoveryException(status, "CSR refused (" + e.reason() + "): " + e.getMessage()
          + " (the credential proves " + proven + ")");
    }
    issued.record(new Issued(proven, cert.chain()));
    return cert;
  }

  /** The last certificate issued to {@code id}, across restarts. */
  public Optional<Issued> lastIssued(SpiffeId id) {
    return issued.last(id);
  }
}
