package dev.meshlet.tls.workload;

import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.pki.CertificatePaths;
import dev.meshlet.tls.pki.KeyType;
import dev.meshlet.tls.pki.SpiffeCertificates;
import dev.meshlet.tls.pki.TrustBundle;
import dev.meshlet.tls.verify.AllowedPeers;
import dev.meshlet.tls.verify.SpiffeTrustManager;
import dev.meshlet.tls.workload.RotatingKeyManager.KeyState;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Enumeration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.jspecify.annotations.Nullable;

/**
 * Keeps a workload's certificate fresh: makes a key pair in the process, sends a CSR to the
 * {@link CertificateSigner}, and rotates at half the certificate's lifetime (Istio's default) or
 * on demand. There is ONE {@link SSLContext} for the manager's life; its key manager and trust
 * manager read an immutable snapshot through a volatile reference, so a rotation never needs a
 * new socket factory (which would split OkHttp's connection pool) and never touches connections
 * already made. Each generation gets a new key alias; the previous one stays usable for
 * handshakes in flight.
 *
 * <p>A failed rotation keeps the current certificate and retries with backoff; what the signer
 * answers is checked (our key, our identity, a chain to the bundle) before it is used.
 */
public final class WorkloadCertificateManager implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(WorkloadCertificateManager.class.getName());

  /** Istio rotates when half the lifetime has passed (SECRET_GRACE_PERIOD_RATIO 0.5). */
  public static final double DEFAULT_ROTATION_RATIO = 0.5;
  public static final Duration DEFAULT_TTL = Duration.ofHours(24);
  public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofSeconds(1);
  public static final Duration DEFAULT_MAX_RETRY_BACKOFF = Duration.ofMinutes(1);

  private final SpiffeId identity;
  private final CertificateSigner signer;
  private final Clock clock;
  private final SecureRandom random;
  private final KeyType keyType;
  private final Duration ttl;
  private final double rotationRatio;
  private final Duration retryBackoff;
  private final Duration maxRetryBackoff;
  private final ScheduledExecutorService scheduler;
  private final RotatingKeyManager keyManager;
  private final SpiffeTrustManager trustManager;
  private final SSLContext sslContext;
  private final SSLSocketFactory socketFactory;

  // Null only until start() has the first certificate; never null once the manager is returned.
  private volatile KeyState state;
  private volatile @Nullable Throwable lastError;
  private @Nullable ScheduledFuture<?> next; // guarded by this
  private int failures; // guarded by this
  private long generation; // guarded by this
  private boolean closed; // guarded by this

  private WorkloadCertificateManager(Builder b) {
    this.identity = b.identity;
    this.signer = b.signer;
    this.clock = b.clock;
    this.random = b.random;
    this.keyType = b.keyType;
    this.ttl = b.ttl;
    this.rotationRatio = b.rotationRatio;
    this.retryBackoff = b.retryBackoff;
    this.maxRetryBackoff = b.maxRetryBackoff;
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "meshlet-cert-rotation " + b.identity);
      t.setDaemon(true);
      return t;
    });
    executor.setRemoveOnCancelPolicy(true);
    this.scheduler = executor;
    this.keyManager = new RotatingKeyManager(() -> state);
    this.trustManager = new SpiffeTrustManager(() -> state.current().trustBundle(), clock,
        b.allowedClients, b.allowedServers);
    try {
      this.sslContext = SSLContext.getInstance("TLS");
      sslContext.init(new KeyManager[] {keyManager}, new TrustManager[] {trustManager}, random);
      // SSLContext.getSocketFactory() makes a new factory per call; OkHttp pools by its identity.
      this.socketFactory = sslContext.getSocketFactory();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot create the TLS context: " + e.getMessage(), e);
    }
  }

  public static Builder builder(SpiffeId identity, CertificateSigner signer) {
    return new Builder(identity, signer);
  }

  /** The one TLS context of this workload; its credentials follow every rotation. */
  public SSLContext sslContext() {
    return sslContext;
  }

  /**
   * The one socket factory of {@link #sslContext()}, for OkHttp's {@code sslSocketFactory}: the
   * same instance for the manager's life, so clients built from it share one connection pool.
   */
  public SSLSocketFactory socketFactory() {
    return socketFactory;
  }

  public X509ExtendedKeyManager keyManager() {
    return keyManager;
  }

  /** The trust manager, for clients that need it next to the socket factory (OkHttp). */
  public X509ExtendedTrustManager trustManager() {
    return trustManager;
  }

  public SpiffeId identity() {
    return identity;
  }

  public CertificateSnapshot current() {
    return state.current();
  }

  /** The error of the last failed rotation, until a rotation succeeds. */
  public Optional<Throwable> lastError() {
    return Optional.ofNullable(lastError);
  }

  /**
   * Makes a new key, gets it signed and swaps it in now; the next rotation is scheduled from the
   * new certificate. On failure the current certificate stays and the exception is thrown.
   */
  public synchronized CertificateSnapshot rotateNow() throws IOException, GeneralSecurityException {
    if (closed) {
      throw new IllegalStateException("certificate manager of " + identity + " is closed");
    }
    cancelNext();
    try {
      CertificateSnapshot snapshot = rotate();
      failures = 0;
      lastError = null;
      scheduleAt(snapshot.rotateAt());
      return snapshot;
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      lastError = e;
      if (state != null) {
        scheduleRetry();
      }
      throw e;
    }
  }

  /** Swaps in a new trust bundle (a root rotation pushed by the control plane) for the next handshakes. */
  public synchronized void updateTrustBundle(TrustBundle bundle) {
    Objects.requireNonNull(bundle, "bundle");
    if (!bundle.trustDomain().equals(identity.trustDomain())) {
      throw new IllegalArgumentException("trust bundle of " + bundle.trustDomain()
          + " (expected: " + identity.trustDomain() + ", the trust domain of " + identity + ")");
    }
    KeyState s = state;
    state = new KeyState(s.current().withTrustBundle(bundle), s.previous());
  }

  @Override
  public synchronized void close() {
    closed = true;
    cancelNext();
    scheduler.shutdownNow();
  }

  private CertificateSnapshot rotate() throws IOException, GeneralSecurityException {
    KeyPair keys = keyType.generate(random);
    Instant issuedAt = clock.instant();
    SignedCertificate signed = signer.sign(CertificateRequests.create(keys, identity), ttl);
    check(signed, keys);
    Instant notAfter = signed.certificate().getNotAfter().toInstant();
    long lifetimeMillis = Math.max(0, Duration.between(issuedAt, notAfter).toMillis());
    Instant rotateAt = issuedAt.plusMillis((long) (lifetimeMillis * rotationRatio));
    long gen = ++generation;
    CertificateSnapshot snapshot = new CertificateSnapshot(gen, "meshlet-" + gen, identity, keys.getPrivate(),
        signed.chain(), signed.trustBundle(), issuedAt, rotateAt);
    KeyState previous = state;
    state = new KeyState(snapshot, previous == null ? null : previous.current());
    forgetSessions(Duration.between(issuedAt, notAfter));
    LOG.log(System.Logger.Level.DEBUG, () -> "rotated: " + snapshot);
    return snapshot;
  }

  /**
   * Makes the next connections do a full handshake with the new certificate instead of resuming
   * a session made with the old one, and keeps cached sessions no longer than a certificate lives.
   * Connections already open are untouched.
   */
  private void forgetSessions(Duration lifetime) {
    int timeout = (int) Math.max(1, Math.min(Integer.MAX_VALUE, lifetime.toSeconds()));
    for (SSLSessionContext context
        : new SSLSessionContext[] {sslContext.getClientSessionContext(), sslContext.getServerSessionContext()}) {
      context.setSessionTimeout(timeout);
      for (Enumeration<byte[]> ids = context.getIds(); ids.hasMoreElements(); ) {
        SSLSession session = context.getSession(ids.nextElement());
        if (session != null) {
          session.invalidate();
        }
      }
    }
  }

  /** Refuses what a broken or hostile signer could answer, before it replaces a good certificate. */
  private void check(SignedCertificate signed, KeyPair keys) throws CertificateException {
    String from = "signer answer for " + identity + ": ";
    if (!signed.certificate().getPublicKey().equals(keys.getPublic())) {
      throw new CertificateException(from + "certificate is not for the key of our CSR");
    }
    SpiffeId got = SpiffeCertificates.spiffeId(signed.certificate());
    if (!got.equals(identity)) {
      throw new CertificateException(from + "certificate is for " + got + " (expected: " + identity + ")");
    }
    if (!signed.trustBundle().trustDomain().equals(identity.trustDomain())) {
      throw new CertificateException(from + "trust bundle is of " + signed.trustBundle().trustDomain()
          + " (expected: " + identity.trustDomain() + ")");
    }
    try {
      CertificatePaths.validate(signed.chain(), signed.trustBundle(), clock.instant());
    } catch (CertificateException e) {
      throw new CertificateException(from + e.getMessage(), e);
    }
  }

  private void scheduledRotation() {
    synchronized (this) {
      if (closed) {
        return;
      }
      next = null;
      try {
        CertificateSnapshot snapshot = rotate();
        failures = 0;
        lastError = null;
        scheduleAt(snapshot.rotateAt());
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        lastError = e;
        LOG.log(System.Logger.Level.WARNING, "certificate rotation of " + identity + " failed, keeping "
            + state.current() + ": " + e.getMessage());
        scheduleRetry();
      }
    }
  }

  private void scheduleAt(Instant at) {
    long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis());
    next = scheduler.schedule(this::scheduledRotation, delay, TimeUnit.MILLISECONDS);
  }

  private void scheduleRetry() {
    failures++;
    long backoff = retryBackoff.toMillis() << Math.min(failures - 1, 20);
    long delay = Math.min(backoff, maxRetryBackoff.toMillis());
    next = scheduler.schedule(this::scheduledRotation, delay, TimeUnit.MILLISECONDS);
  }

  private void cancelNext() {
    if (next != null) {
      next.cancel(false);
      next = null;
    }
  }

  /** Configures and starts a {@link WorkloadCertificateManager}. */
  public static final class Builder {
    private final SpiffeId identity;
    private final CertificateSigner signer;
    private Clock clock = Clock.systemUTC();
    private SecureRandom random = new SecureRandom();
    private KeyType keyType = KeyType.DEFAULT;
    private Duration ttl = DEFAULT_TTL;
    private double rotationRatio = DEFAULT_ROTATION_RATIO;
    private Duration retryBackoff = DEFAULT_RETRY_BACKOFF;
    private Duration maxRetryBackoff = DEFAULT_MAX_RETRY_BACKOFF;
    private AllowedPeers allowedClients = AllowedPeers.any();
    private Function<String, @Nullable AllowedPeers> allowedServers = host -> AllowedPeers.any();

    private Builder(SpiffeId identity, CertificateSigner signer) {
      this.identity = Objects.requireNonNull(identity, "identity");
      this.signer = Objects.requireNonNull(signer, "signer");
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Builder random(SecureRandom random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    public Builder keyType(KeyType keyType) {
      this.keyType = Objects.requireNonNull(keyType, "keyType");
      return this;
    }

    /** The lifetime asked of the signer (it may give less). */
    public Builder ttl(Duration ttl) {
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.isNegative() || ttl.isZero()) {
        throw new IllegalArgumentException("ttl: " + ttl + " (expected: > 0)");
      }
      this.ttl = ttl;
      return this;
    }

    /** The fraction of the lifetime after which the certificate is renewed. */
    public Builder rotationRatio(double ratio) {
      if (!(ratio > 0 && ratio < 1)) {
        throw new IllegalArgumentException("rotationRatio: " + ratio + " (expected: between 0 and 1, exclusive)");
      }
      this.rotationRatio = ratio;
      return this;
    }

    public Builder retryBackoff(Duration initial, Duration max) {
      Objects.requireNonNull(initial, "initial");
      Objects.requireNonNull(max, "max");
      if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("retryBackoff: " + initial + ".." + max
            + " (expected: 0 < initial <= max)");
      }
      this.retryBackoff = initial;
      this.maxRetryBackoff = max;
      return this;
    }

    /** Who may call this workload over mTLS (default: any identity of the trust domain). */
    public Builder allowedClients(AllowedPeers allowedClients) {
      this.allowedClients = Objects.requireNonNull(allowedClients, "allowedClients");
      return this;
    }

    /**
     * Which identities a server dialed by host name may have (default: any of the trust domain);
     * null for a host refuses it.
     */
    public Builder allowedServers(Function<String, @Nullable AllowedPeers> allowedServers) {
      this.allowedServers = Objects.requireNonNull(allowedServers, "allowedServers");
      return this;
    }

    /**
     * Gets the first certificate (failing if the signer refuses or cannot be reached) and
     * schedules the rotations.
     */
    public WorkloadCertificateManager start() throws IOException, GeneralSecurityException {
      WorkloadCertificateManager manager = new WorkloadCertificateManager(this);
      try {
        manager.rotateNow();
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        manager.close();
        throw e;
      }
      return manager;
    }
  }
}
