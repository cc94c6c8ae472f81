package dev.meshlet.tls.client;

import dev.meshlet.core.config.networking.ClientTlsSettings;
import dev.meshlet.core.config.networking.ClientTlsSettings.TlsMode;
import dev.meshlet.core.config.security.PeerAuthentication.Mode;
import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.identity.TrustDomain;
import dev.meshlet.tls.pki.Pem;
import dev.meshlet.tls.verify.AllowedPeers;
import dev.meshlet.tls.verify.MeshHostnameVerifier;
import dev.meshlet.tls.workload.WorkloadCertificateManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * Decides the TLS of each upstream from a DestinationRule's client TLS settings, or by auto
 * mTLS when there are none, and hands out shared {@link ClientTls} values.
 *
 * <ul>
 *   <li>DISABLE: plaintext.
 *   <li>SIMPLE: TLS; the server is verified against {@code caCertificates} (or the JDK's roots)
 *       and, when set, its {@code subjectAltNames} (else {@code sni}, else OkHttp's hostname
 *       check); {@code sni} is sent instead of the dialed host; {@code insecureSkipVerify}
 *       skips both checks.
 *   <li>MUTUAL: SIMPLE plus the client certificate and key from files.
 *   <li>ISTIO_MUTUAL: the workload's own rotating SSLContext; the server must present a SPIFFE
 *       ID of the trust domain that the destination may have: one of the rule's
 *       {@code subjectAltNames} when set, else one of the destination's service accounts, else
 *       any of the trust domain.
 *   <li>No settings (auto mTLS): ISTIO_MUTUAL toward an endpoint in the mesh whose port is not
 *       DISABLE, plaintext otherwise (and always plaintext when this workload has no mesh
 *       certificate).
 * </ul>
 *
 * <p>One instance per Mesh. ISTIO_MUTUAL values all share the workload's one socket factory; file
 * based ones share one SSLContext per (mode, files and their modification times, SNI, skip
 * verification), so a certificate rewritten on disk is picked up the next time a snapshot is
 * compiled. Files are read when a value is first built, never per request. Thread-safe.
 */
public final class ClientTlsFactory {

  private final @Nullable WorkloadCertificateManager mesh;
  private final ConcurrentMap<AllowedPeers, ClientTls> meshValues = new ConcurrentHashMap<>();
  private final ConcurrentMap<AllowedPeers, ClientTls> autoMeshValues = new ConcurrentHashMap<>();
  private final ConcurrentMap<AllowedPeers, MeshHostnameVerifier> verifiers = new ConcurrentHashMap<>();
  private final ConcurrentMap<FileTlsKey, ClientTls> fileValues = new ConcurrentHashMap<>();

  private ClientTlsFactory(@Nullable WorkloadCertificateManager mesh) {
    this.mesh = mesh;
  }

  /** A factory whose ISTIO_MUTUAL connections present {@code certificates}' rotating identity. */
  public static ClientTlsFactory of(WorkloadCertificateManager certificates) {
    return new ClientTlsFactory(Objects.requireNonNull(certificates, "certificates"));
  }

  /** A factory for a process without a mesh identity: auto mTLS is plaintext, ISTIO_MUTUAL an error. */
  public static ClientTlsFactory withoutMeshIdentity() {
    return new ClientTlsFactory(null);
  }

  /**
   * The trust domain of this workload's mesh identity, in which destinations' service accounts are
   * SPIFFE IDs; empty without a mesh identity.
   */
  public java.util.Optional<TrustDomain> trustDomain() {
    return mesh == null ? java.util.Optional.empty() : java.util.Optional.of(mesh.identity().trustDomain());
  }

  /**
   * The TLS to use toward {@code upstream} under {@code settings} (the merged DestinationRule
   * settings of {@link DestinationTls}, or null when the rule says nothing about TLS).
   *
   * @throws IllegalArgumentException when the settings cannot be applied (a file is missing or not
   *     PEM, a subjectAltName of ISTIO_MUTUAL is not a SPIFFE ID, ISTIO_MUTUAL without a mesh
   *     identity, a Kubernetes credentialName); the message names the field
   */
  public ClientTls resolve(@Nullable ClientTlsSettings settings, TlsUpstream upstream) {
    Objects.requireNonNull(upstream, "upstream");
    if (settings == null) {
      return auto(upstream);
    }
    // A tls block without a mode is Istio's proto default: DISABLE.
    TlsMode mode = settings.mode() == null ? TlsMode.DISABLE : settings.mode();
    return switch (mode) {
      case DISABLE -> ClientTls.DISABLED;
      case ISTIO_MUTUAL -> istioMutual(settings, upstream);
      case SIMPLE, MUTUAL -> fromFiles(mode, settings, upstream);
    };
  }

  private ClientTls auto(TlsUpstream upstream) {
    if (mesh == null || !upstream.inMesh() || upstream.serverMode() == Mode.DISABLE) {
      return ClientTls.AUTO_PLAINTEXT;
    }
    AllowedPeers allowed = upstream.serviceAccounts().isEmpty()
        ? AllowedPeers.any() : AllowedPeers.only(upstream.serviceAccounts());
    return autoMeshValues.computeIfAbsent(allowed, a -> meshTls(a, true));
  }

  private ClientTls istioMutual(ClientTlsSettings settings, TlsUpstream upstream) {
    if (mesh == null) {
      throw new IllegalArgumentException("tls.mode: ISTIO_MUTUAL toward " + upstream.host()
          + " needs this workload's mesh certificate, and it has none (expected: a Mesh with an identity,"
          + " or tls.mode SIMPLE/MUTUAL/DISABLE)");
    }
    rejectCredentialName(settings);
    AllowedPeers allowed;
    if (!settings.subjectAltNames().isEmpty()) {
      List<SpiffeId> ids = new ArrayList<>();
      for (int i = 0; i < settings.subjectAltNames().size(); i++) {
        String san = settings.subjectAltNames().get(i);
        try {
          ids.add(SpiffeId.parse(san));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("tls.subjectAltNames[" + i + "]: " + e.getMessage()
              + " (ISTIO_MUTUAL verifies SPIFFE IDs: expected spiffe://<trust-domain>/ns/<ns>/sa/<sa>)", e);
        }
      }
      allowed = AllowedPeers.only(ids);
    } else if (!upstream.serviceAccounts().isEmpty()) {
      allowed = AllowedPeers.only(upstream.serviceAccounts());
    } else {
      allowed = AllowedPeers.any();
    }
    return meshValues.computeIfAbsent(allowed, a -> meshTls(a, false));
  }

  private ClientTls meshTls(AllowedPeers allowed, boolean automatic) {
    WorkloadCertificateManager m = Objects.requireNonNull(mesh);
    // The trust manager checks chain, validity and trust domain; the verifier the identity. One
    // verifier per identity set, so explicit ISTIO_MUTUAL and auto mTLS share OkHttp's pool.
    MeshHostnameVerifier verifier = verifiers.computeIfAbsent(allowed, a -> new MeshHostnameVerifier(host -> a));
    return new ClientTls(TlsMode.ISTIO_MUTUAL, automatic, m.socketFactory(), m.trustManager(), verifier);
  }

  private ClientTls fromFiles(TlsMode mode, ClientTlsSettings settings, TlsUpstream upstream) {
    rejectCredentialName(settings);
    if (settings.caCrl() != null) {
      throw new IllegalArgumentException("tls.caCrl: " + settings.caCrl()
          + ": certificate revocation lists are not supported by Meshlet (expected: no caCrl)");
    }
    boolean insecure = Boolean.TRUE.equals(settings.insecureSkipVerify());
    FileStamp ca = insecure ? null : FileStamp.of("tls.caCertificates", settings.caCertificates());
    FileStamp cert = null;
    FileStamp key = null;
    if (mode == TlsMode.MUTUAL) {
      if (settings.clientCertificate() == null || settings.privateKey() == null) {
        throw new IllegalArgumentException("tls: MUTUAL toward " + upstream.host()
            + " needs clientCertificate and privateKey (expected: paths of PEM files)");
      }
      cert = FileStamp.of("tls.clientCertificate", settings.clientCertificate());
      key = FileStamp.of("tls.privateKey", settings.privateKey());
    }
    List<String> names = insecure ? List.of()
        : !settings.subjectAltNames().isEmpty() ? settings.subjectAltNames()
        : settings.sni() != null ? List.of(settings.sni()) : List.of();
    FileTlsKey k = new FileTlsKey(mode, ca, cert, key, insecure, settings.sni(), names);
    return fileValues.computeIfAbsent(k, ClientTlsFactory::build);
  }

  private static ClientTls build(FileTlsKey k) {
    try {
      X509TrustManager trust = k.insecure() ? InsecureTrustManager.INSTANCE : trustManager(k.ca());
      KeyManager[] keys = null;
      if (k.mode() == TlsMode.MUTUAL) {
        keys = keyManagers(Objects.requireNonNull(k.cert()), Objects.requireNonNull(k.key()));
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, new TrustManager[] {trust}, null);
      SSLSocketFactory factory = context.getSocketFactory();
      if (k.sni() != null) {
        factory = new SniSocketFactory(factory, k.sni());
      }
      HostnameVerifier verifier = k.insecure() ? (host, session) -> true
          : k.names().isEmpty() ? null : new SubjectAltNameVerifier(k.names());
      return new ClientTls(k.mode(), false, factory, trust, verifier);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("tls " + k.mode() + ": cannot build the TLS context: " + e.getMessage(), e);
    }
  }

  private static X509TrustManager trustManager(@Nullable FileStamp ca) throws GeneralSecurityException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    if (ca == null) {
      tmf.init((KeyStore) null); // the JDK's roots
    } else {
      List<X509Certificate> certs = Pem.readCertificates(ca.read(), ca.field() + " " + ca.path());
      if (certs.isEmpty()) {
        throw new IllegalArgumentException(ca.field() + ": " + ca.path() + " holds no certificate (expected: PEM CA certificates)");
      }
      KeyStore store = emptyStore();
      for (int i = 0; i < certs.size(); i++) {
        store.setCertificateEntry("ca-" + i, certs.get(i));
      }
      tmf.init(store);
    }
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x509) {
        return x509;
      }
    }
    throw new IllegalStateException("the JDK gave no X509TrustManager");
  }

  private static KeyManager[] keyManagers(FileStamp cert, FileStamp key) throws GeneralSecurityException {
    List<X509Certificate> chain = Pem.readCertificates(cert.read(), cert.field() + " " + cert.path());
    if (chain.isEmpty()) {
      throw new IllegalArgumentException(cert.field() + ": " + cert.path()
          + " holds no certificate (expected: the client certificate, then its chain, in PEM)");
    }
    PrivateKey privateKey = Pem.readPrivateKey(key.read(), key.field() + " " + key.path());
    if (!chain.get(0).getPublicKey().getAlgorithm().equals(privateKey.getAlgorithm())) {
      throw new IllegalArgumentException(key.field() + ": " + key.path() + " is a " + privateKey.getAlgorithm()
          + " key but " + cert.path() + " certifies a " + chain.get(0).getPublicKey().getAlgorithm() + " key");
    }
    KeyStore store = emptyStore();
    char[] password = new char[0];
    store.setKeyEntry("client", privateKey, password, chain.toArray(new X509Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, password);
    return kmf.getKeyManagers();
  }

  private static KeyStore emptyStore() throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return store;
  }

  private static void rejectCredentialName(ClientTlsSettings settings) {
    if (settings.credentialName() != null) {
      throw new IllegalArgumentException("tls.credentialName: " + settings.credentialName()
          + ": Kubernetes secrets do not exist in process (expected: clientCertificate, privateKey and"
          + " caCertificates file paths)");
    }
  }

  /** A file with the time and size it had when read, so a rewritten file makes a new key. */
  private record FileStamp(String field, Path path, long modified, long size) {
    static @Nullable FileStamp of(String field, @Nullable String file) {
      if (file == null) {
        return null;
      }
      Path path = Path.of(file);
      try {
        return new FileStamp(field, path, Files.getLastModifiedTime(path).toMillis(), Files.size(path));
      } catch (NoSuchFileException e) {
        throw new IllegalArgumentException(field + ": " + file + ": no such file (expected: a PEM file)", e);
      } catch (IOException e) {
        throw new IllegalArgumentException(field + ": " + file + ": cannot be read: " + e.getMessage(), e);
      }
    }

    String read() {
      try {
        return Files.readString(path, StandardCharsets.US_ASCII);
      } catch (IOException e) {
        throw new IllegalArgumentException(field + ": " + path + ": cannot be read: " + e.getMessage(), e);
      }
    }
  }

  private record FileTlsKey(TlsMode mode, @Nullable FileStamp ca, @Nullable FileStamp cert,
      @Nullable FileStamp key, boolean insecure, @Nullable String sni, List<String> names) {
    FileTlsKey {
      names = List.copyOf(new LinkedHashSet<>(names));
    }
  }

}
