package dev.meshlet.discovery.ca;

import dev.meshlet.discovery.DiscoveryException;
import dev.meshlet.tls.ca.CaConfig;
import dev.meshlet.tls.ca.CertificateAuthority;
import dev.meshlet.tls.ca.CsrRejectedException;
import dev.meshlet.tls.ca.IssuedCertificate;
import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.identity.WorkloadIdentity;
import dev.meshlet.tls.pki.Pem;
import dev.meshlet.tls.workload.InProcessSigner;
import dev.meshlet.tls.workload.WorkloadCertificateManager;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Signs workload CSRs with the mesh CA (kept in {@code DATA/ca} in Istio's cacerts layout). The
 * caller passes the identity its credential proved; the certificate carries that identity and no
 * other, whatever the CSR asks (a CSR naming another identity is refused).
 */
public final class CaService {
  /** The namespace and service account of the discovery server's own identity. */
  public static final String SERVER_NAMESPACE = "istio-system";
  public static final String SERVER_SERVICE_ACCOUNT = "meshlet-discovery";

  /** The files of the CA directory, in Istio's cacerts layout. */
  public static final List<String> CACERTS_FILES = List.of("ca-cert.pem", "ca-key.pem", "root-cert.pem", "cert-chain.pem");

  private final CertificateAuthority ca;
  private final Map<SpiffeId, Issued> lastIssued = new ConcurrentHashMap<>();

  /** The last certificate issued to one identity, for {@code meshctl cert}. */
  public record Issued(SpiffeId spiffeId, List<X509Certificate> chain) {
    public Issued {
      chain = List.copyOf(chain);
    }
  }

  private CaService(CertificateAuthority ca) {
    this.ca = ca;
  }

  /** Loads the CA in {@code dir}, or makes and keeps one there on first start. */
  public static CaService loadOrCreate(Path dir, Clock clock) throws IOException {
    return new CaService(CertificateAuthority.loadOrCreate(dir, CaConfig.ofDefaults(), clock, new SecureRandom()));
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

  /** Starts the server's own rotating certificate, signed in process by this CA. */
  public WorkloadCertificateManager serverCertificates(Clock clock) throws IOException, GeneralSecurityException {
    return WorkloadCertificateManager.builder(serverIdentity(), new InProcessSigner(ca, serverIdentity()))
        .clock(clock)
        .start();
  }

  /** The trust bundle (the mesh's root certificates) as PEM. */
  public String rootsPem() {
    return ca.trustBundle().toPem();
  }

  /**
   * Signs {@code csrPem} for {@code proven}.
   *
   * @throws DiscoveryException 400 for a CSR that is not one, 403 when it asks for another identity
   */
  public IssuedCertificate sign(String csrPem, SpiffeId proven, @Nullable Duration ttl) {
    byte[] der;
    try {
      der = Pem.readCertificationRequest(csrPem, "csr");
    } catch (IllegalArgumentException e) {
      throw DiscoveryException.badRequest("csr: " + e.getMessage());
    }
    try {
      IssuedCertificate issued = ttl == null ? ca.sign(der, proven) : ca.sign(der, proven, ttl);
      lastIssued.put(proven, new Issued(proven, issued.chain()));
      return issued;
    } catch (CsrRejectedException e) {
      int status = e.reason() == CsrRejectedException.Reason.IDENTITY_MISMATCH ? 403 : 400;
      throw new DiscoveryException(status, "CSR refused (" + e.reason() + "): " + e.getMessage()
          + " (the credential proves " + proven + ")");
    }
  }

  public Optional<Issued> lastIssued(SpiffeId id) {
    return Optional.ofNullable(lastIssued.get(id));
  }
}
