package dev.meshlet.agent.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshlet.core.protocol.ProtocolJson;
import dev.meshlet.tls.ca.CsrRejectedException;
import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.identity.WorkloadIdentity;
import dev.meshlet.tls.pki.Pem;
import dev.meshlet.tls.pki.TrustBundle;
import dev.meshlet.tls.workload.CertificateSigner;
import dev.meshlet.tls.workload.SignedCertificate;
import dev.meshlet.tls.workload.WorkloadCertificateManager;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.X509KeyManager;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets the workload's certificates signed by the discovery server's CA ({@code POST
 * /v1/certificates}): the key stays in the process, only the CSR travels. The first time the
 * workload proves itself with its bootstrap token; once {@link #authenticateWith} hands it the
 * workload's rotating key manager, it proves itself with its current certificate over mTLS, as
 * a renewal should. Servers are tried in the config's order.
 *
 * <pre>{@code
 * DiscoveryCertificateSigner signer = DiscoveryCertificateSigner.create(config, baseClient);
 * WorkloadCertificateManager certs = WorkloadCertificateManager.builder(signer.identity(), signer).start();
 * signer.authenticateWith(certs.keyManager());
 * }</pre>
 */
public final class DiscoveryCertificateSigner implements CertificateSigner {
  private static final Logger log = LoggerFactory.getLogger(DiscoveryCertificateSigner.class);
  private static final MediaType JSON = MediaType.get("application/json");
  private static final Pattern REASON = Pattern.compile("CSR refused \\((\\w+)\\)");

  private final DiscoveryConfig config;
  private final Clock clock;
  private final OkHttpClient base;
  private final OkHttpClient tokenClient;
  private volatile @Nullable OkHttpClient mtlsClient;
  private volatile int preferred;
  /** The roots servers are checked against; each signed certificate brings the CA's current ones. */
  private volatile @Nullable TrustBundle roots;
  private volatile @Nullable WorkloadCertificateManager followed;

  private DiscoveryCertificateSigner(DiscoveryConfig config, OkHttpClient base, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.base = base;
    this.roots = config.trustedRoots().isEmpty() ? null
        : TrustBundle.of(config.serverIdentity().trustDomain(), config.trustedRoots());
    this.tokenClient = ServerTls.configure(base.newBuilder().retryOnConnectionFailure(false)
        .connectTimeout(config.connectTimeout()).callTimeout(config.connectTimeout().plusSeconds(10)), config, clock, null,
        roots == null ? null : this::roots).build();
  }

  /** A signer for the servers, token and identity of {@code config}, sharing {@code base}'s pool. */
  public static DiscoveryCertificateSigner create(DiscoveryConfig config, OkHttpClient base) {
    return new DiscoveryCertificateSigner(Objects.requireNonNull(config, "config"), Objects.requireNonNull(base, "base"),
        Clock.systemUTC());
  }

  /** As {@link #create(DiscoveryConfig, OkHttpClient)}, checking certificate validity at {@code clock}'s time. */
  public static DiscoveryCertificateSigner create(DiscoveryConfig config, OkHttpClient base, Clock clock) {
    return new DiscoveryCertificateSigner(config, base, clock);
  }

  /** The SPIFFE ID the workload's certificate carries: its service account in its namespace. */
  public SpiffeId identity() {
    return new WorkloadIdentity(config.serverIdentity().trustDomain(), config.registration().namespaceOrDefault(),
        config.registration().serviceAccountOrDefault()).spiffeId();
  }

  /**
   * From now on, proves the workload with the certificate {@code keyManager} presents (the
   * {@code WorkloadCertificateManager}'s, which rotates underneath) instead of the token.
   */
  public void authenticateWith(X509KeyManager keyManager) {
    Objects.requireNonNull(keyManager, "keyManager");
    this.mtlsClient = ServerTls.configure(base.newBuilder().retryOnConnectionFailure(false)
        .connectTimeout(config.connectTimeout()).callTimeout(config.connectTimeout().plusSeconds(10)), config, clock, keyManager,
        roots == null ? null : this::roots).build();
  }

  /**
   * As {@link #authenticateWith(X509KeyManager)} with the manager's key, and checks the servers
   * against the manager's trust bundle from now on: the bundle a {@link DiscoveryAgent} updates
   * when the mesh root rotates, so renewals reach a server whose certificate comes from the new
   * root.
   */
  public void authenticateWith(WorkloadCertificateManager certificates) {
    Objects.requireNonNull(certificates, "certificates");
    this.followed = certificates;
    authenticateWith(certificates.keyManager());
  }

  private TrustBundle roots() {
    WorkloadCertificateManager m = followed;
    if (m != null) {
      return m.current().trustBundle();
    }
    TrustBundle r = roots;
    if (r == null) {
      throw new IllegalStateException("no roots");
    }
    return r;
  }

  @Override
  public SignedCertificate sign(byte[] csrDer, Duration ttl) throws IOException, GeneralSecurityException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("csr", Pem.certificationRequest(csrDer));
    body.put("ttlSeconds", Math.max(1, ttl.toSeconds()));
    String json = ProtocolJson.write(body);
    IOException unreachable = null;
    int n = config.servers().size();
    for (int i = 0; i < n; i++) {
      int index = (preferred + i) % n;
      String server = config.servers().get(index);
      try {
        SignedCertificate signed = signAt(server, json);
        preferred = index;
        if (roots != null) {
          roots = signed.trustBundle(); // came over a connection the current roots verified
        }
        return signed;
      } catch (IOException e) {
        log.warn("certificate request to {} failed: {}", server, e.getMessage());
        unreachable = e;
      }
    }
    throw new IOException("no discovery server signed the certificate of " + identity() + ": "
        + (unreachable == null ? "no servers" : unreachable.getMessage()), unreachable);
  }

  private SignedCertificate signAt(String server, String json) throws IOException, GeneralSecurityException {
    OkHttpClient mtls = mtlsClient;
    if (mtls != null) {
      Reply r = post(mtls, server, json, false);
      if (r.code != 401) {
        return parse(server, r);
      }
      // The certificate no longer proves anything (expired while the process was paused): the token still does.
      log.warn("{} did not take the workload certificate as a credential ({}); using the bootstrap token", server,
          ServerApi.errorOf(r.body));
    }
    return parse(server, post(tokenClient, server, json, true));
  }

  private record Reply(int code, String body) {}

  private Reply post(OkHttpClient client, String server, String json, boolean token) throws IOException {
    Request.Builder b = new Request.Builder().url(server + "/v1/certificates").post(RequestBody.create(json, JSON));
    if (token) {
      b.header("Authorization", "Bearer " + config.token());
    }
    try (Response r = client.newCall(b.build()).execute()) {
      return new Reply(r.code(), r.body().string());
    }
  }

  private SignedCertificate parse(String server, Reply r) throws IOException, GeneralSecurityException {
    if (r.code == 201 || r.code == 200) {
      JsonNode n = ProtocolJson.mapper().readTree(r.body);
      List<X509Certificate> chain = Pem.readCertificates(n.path("certificateChain").asText(""), server + " certificateChain");
      List<X509Certificate> roots = Pem.readCertificates(n.path("rootCertificates").asText(""), server + " rootCertificates");
      return new SignedCertificate(chain, TrustBundle.of(config.serverIdentity().trustDomain(), roots));
    }
    String error = ServerApi.errorOf(r.body);
    if (r.code >= 500) {
      throw new IOException(server + " answered HTTP " + r.code + ": " + error);
    }
    Matcher m = REASON.matcher(error);
    if (m.find()) {
      CsrRejectedException.Reason reason;
      try {
        reason = CsrRejectedException.Reason.valueOf(m.group(1));
      } catch (IllegalArgumentException e) {
        reason = CsrRejectedException.Reason.MALFORMED;
      }
      throw new CsrRejectedException(reason, error.substring(m.end()).replaceFirst("^:\\s*", "") + " (from " + server + ")");
    }
    throw new GeneralSecurityException(server + " refused to sign the certificate of " + identity() + ": HTTP " + r.code + " "
        + error);
  }
}
