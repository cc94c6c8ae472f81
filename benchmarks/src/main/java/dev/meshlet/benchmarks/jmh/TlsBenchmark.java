package dev.meshlet.benchmarks.jmh;

import dev.meshlet.tls.ca.CaConfig;
import dev.meshlet.tls.ca.CertificateAuthority;
import dev.meshlet.tls.ca.IssuedCertificate;
import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.identity.WorkloadIdentity;
import dev.meshlet.tls.pki.KeyType;
import dev.meshlet.tls.workload.CertificateRequests;
import dev.meshlet.tls.workload.InProcessSigner;
import dev.meshlet.tls.workload.WorkloadCertificateManager;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What Meshlet's mTLS costs where it is paid: the CA signing a workload certificate from a CSR
 * (P-256), a full mutual TLS handshake between two workloads' SSLContexts with SPIFFE
 * verification, and a resumed one. Handshakes run between two SSLEngines in memory, so the
 * figure is the crypto and verification, not the network.
 *
 * <p>Each benchmark also reports {@code cpuMicrosPerOp}: the benchmark thread's CPU time per
 * operation. On a shared machine the wall time per op swells with the load (other processes take
 * the cores); the CPU time barely does, so it is the figure to compare runs by. JMH sums an
 * EVENTS counter over a fork's iterations: divide the reported figure by the iteration count.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TlsBenchmark {
  private CertificateAuthority ca;
  private byte[] csr;
  private SpiffeId identity;
  private WorkloadCertificateManager client;
  private WorkloadCertificateManager server;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    SecureRandom random = new SecureRandom();
    ca = CertificateAuthority.selfSigned(CaConfig.ofDefaults(), Clock.systemUTC(), random);
    identity = WorkloadIdentity.of("default", "reviews").spiffeId();
    KeyPair keys = KeyType.DEFAULT.generate(random);
    csr = CertificateRequests.create(keys, identity);
    SpiffeId clientId = WorkloadIdentity.of("default", "productpage").spiffeId();
    client = WorkloadCertificateManager.builder(clientId, new InProcessSigner(ca, clientId)).start();
    server = WorkloadCertificateManager.builder(identity, new InProcessSigner(ca, identity)).start();
  }

  @TearDown
  public void tearDown() {
    client.close();
    server.close();
  }

  /** The benchmark thread's CPU time per operation, reset every iteration. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class CpuTime {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private long nanos;
    private long ops;

    @Setup(Level.Iteration)
    public void reset() {
      nanos = 0;
      ops = 0;
    }

    static long now() {
      return THREADS.getCurrentThreadCpuTime();
    }

    void add(long startNanos) {
      nanos += now() - startNanos;
      ops++;
    }

    public double cpuMicrosPerOp() {
      return ops == 0 ? 0 : nanos / 1_000.0 / ops;
    }
  }

  /** One workload certificate signed from a CSR, with the CSR's checks. */
  @Benchmark
  public IssuedCertificate issueCertificate(CpuTime cpu) throws Exception {
    long start = CpuTime.now();
    IssuedCertificate issued = ca.sign(csr, identity);
    cpu.add(start);
    return issued;
  }

  /** A full TLS 1.3 mutual handshake with fresh contexts' sessions (no resumption). */
  @Benchmark
  public boolean fullMutualHandshake(CpuTime cpu) throws SSLException {
    long start = CpuTime.now();
    boolean done = handshake(client.sslContext(), server.sslContext(), null, 0);
    cpu.add(start);
    return done;
  }

  /** A resumed handshake: the same client peer host and port as the previous one. */
  @Benchmark
  public boolean resumedMutualHandshake(CpuTime cpu) throws SSLException {
    long start = CpuTime.now();
    boolean done = handshake(client.sslContext(), server.sslContext(), "reviews.default.svc.cluster.local", 9080);
    cpu.add(start);
    return done;
  }

  private static boolean handshake(SSLContext clientContext, SSLContext serverContext, String peerHost, int peerPort)
      throws SSLException {
    SSLEngine c = peerHost == null ? clientContext.createSSLEngine() : clientContext.createSSLEngine(peerHost, peerPort);
    c.setUseClientMode(true);
    SSLEngine s = serverContext.createSSLEngine();
    s.setUseClientMode(false);
    s.setNeedClientAuth(true);
    int packet = Math.max(c.getSession().getPacketBufferSize(), s.getSession().getPacketBufferSize());
    int app = Math.max(c.getSession().getApplicationBufferSize(), s.getSession().getApplicationBufferSize());
    ByteBuffer toServer = ByteBuffer.allocate(packet);
    ByteBuffer toClient = ByteBuffer.allocate(packet);
    ByteBuffer appIn = ByteBuffer.allocate(app);
    ByteBuffer empty = ByteBuffer.allocate(0);
    c.beginHandshake();
    s.beginHandshake();
    for (int i = 0; i < 1000; i++) {
      boolean cDone = step(c, empty, toServer, toClient, appIn);
      boolean sDone = step(s, empty, toClient, toServer, appIn);
      if (cDone && sDone) {
        // TLS 1.3 sends the session ticket after the handshake: take it, or nothing resumes.
        if (toClient.position() > 0) {
          toClient.flip();
          c.unwrap(toClient, appIn);
          toClient.compact();
          appIn.clear();
        }
        return c.getSession().isValid();
      }
    }
    throw new IllegalStateException("handshake did not finish");
  }

  /** Moves one engine along: wraps what it has to send, unwraps what it received. */
  private static boolean step(SSLEngine e, ByteBuffer empty, ByteBuffer out, ByteBuffer in, ByteBuffer appIn)
      throws SSLException {
    HandshakeStatus hs = e.getHandshakeStatus();
    switch (hs) {
      case NEED_WRAP -> e.wrap(empty, out);
      case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
        in.flip();
        SSLEngineResult r = e.unwrap(in, appIn);
        in.compact();
        appIn.clear();
        if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
          return false;
        }
      }
      case NEED_TASK -> {
        Runnable task;
        while ((task = e.getDelegatedTask()) != null) {
          task.run();
        }
      }
      default -> {
        return true;
      }
    }
    return e.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING || e.getHandshakeStatus() == HandshakeStatus.FINISHED;
  }
}
