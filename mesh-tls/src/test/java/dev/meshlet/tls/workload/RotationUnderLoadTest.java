package dev.meshlet.tls.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.tls.ca.CaConfig;
import dev.meshlet.tls.ca.CertificateAuthority;
import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.identity.WorkloadIdentity;
import dev.meshlet.tls.testing.MeshHttpsServer;
import dev.meshlet.tls.verify.AllowedPeers;
import dev.meshlet.tls.verify.MeshHostnameVerifier;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocketFactory;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/**
 * Continuous calls through one OkHttpClient over pooled mTLS connections while both sides rotate
 * their certificates every half second or so: no call fails, the pool is never split, and new
 * connections present the new certificates.
 */
class RotationUnderLoadTest {

  static final SecureRandom RANDOM = new SecureRandom();
  static final SpiffeId SERVER = WorkloadIdentity.of("bookinfo", "reviews").spiffeId();
  static final SpiffeId CLIENT = WorkloadIdentity.of("bookinfo", "productpage").spiffeId();

  @Test
  void callsNeverFailWhileCertificatesRotate() throws Exception {
    CertificateAuthority ca = CertificateAuthority.selfSigned(CaConfig.ofDefaults(), Clock.systemUTC(), RANDOM);
    // 4 s certificates renewed at an eighth of their life: a rotation every 0.5 s or so on each
    // side, with seconds of validity left when a certificate is replaced (the machine may be busy).
    try (WorkloadCertificateManager serverCerts = WorkloadCertificateManager
            .builder(SERVER, new InProcessSigner(ca, SERVER))
            .ttl(Duration.ofSeconds(4)).rotationRatio(0.125)
            .allowedClients(AllowedPeers.only(CLIENT)).start();
        WorkloadCertificateManager clientCerts = WorkloadCertificateManager
            .builder(CLIENT, new InProcessSigner(ca, CLIENT))
            .ttl(Duration.ofSeconds(4)).rotationRatio(0.125)
            .allowedServers(host -> AllowedPeers.only(SERVER)).start();
        MeshHttpsServer server = MeshHttpsServer.start(serverCerts.sslContext())) {

      AtomicInteger connects = new AtomicInteger();
      OkHttpClient client = new OkHttpClient.Builder()
          .sslSocketFactory(clientCerts.socketFactory(), clientCerts.trustManager())
          .hostnameVerifier(new MeshHostnameVerifier(host -> AllowedPeers.only(SERVER)))
          .eventListener(new EventListener() {
            @Override
            public void connectStart(Call call, java.net.InetSocketAddress address, java.net.Proxy proxy) {
              connects.incrementAndGet();
            }
          })
          .build();
      SSLSocketFactory factory = client.sslSocketFactory();
      // One call first: class loading and JIT on a busy machine are not what this test measures.
      try (Response warmUp = client.newCall(new Request.Builder().url(server.url()).build()).execute()) {
        assertThat(warmUp.code()).isEqualTo(200);
      }
      long startGeneration = clientCerts.current().generation();
      long startServerGeneration = serverCerts.current().generation();

      Queue<String> failures = new ConcurrentLinkedQueue<>();
      AtomicInteger successes = new AtomicInteger();
      AtomicBoolean stop = new AtomicBoolean();
      int threads = 3;
      CountDownLatch done = new CountDownLatch(threads);
      for (int t = 0; t < threads; t++) {
        Thread worker = new Thread(() -> {
          try {
            int n = 0;
            while (!stop.get()) {
              Request.Builder builder = new Request.Builder().url(server.url());
              if (++n % 25 == 0) {
                // The server closes this connection after answering: the next call handshakes anew.
                builder.header("Connection", "close");
              }
              try (Response response = client.newCall(builder.build()).execute()) {
                String body = response.body().string();
                if (response.code() == 200 && body.startsWith("hello cluster.local/ns/bookinfo/sa/productpage")) {
                  successes.incrementAndGet();
                } else {
                  failures.add(response.code() + " " + body);
                }
              } catch (IOException e) {
                failures.add(e.toString());
              }
            }
          } finally {
            done.countDown();
          }
        }, "caller-" + t);
        worker.start();
      }
      // Calls run until both sides have rotated several times and new connections have shown
      // rotated certificates, or the deadline passes. Idle connections are dropped now and then
      // so that new handshakes also happen while certificates rotate.
      Instant deadline = Instant.now().plusSeconds(30);
      Instant minimumEnd = Instant.now().plusSeconds(3);
      while (Instant.now().isBefore(deadline)
          && (Instant.now().isBefore(minimumEnd)
              || clientCerts.current().generation() - startGeneration < 4
              || serverCerts.current().generation() - startServerGeneration < 4
              || server.clientSerials().size() < 3
              || successes.get() < 100)) {
        done.await(250, TimeUnit.MILLISECONDS);
        client.connectionPool().evictAll();
      }
      stop.set(true);
      assertThat(done.await(30, TimeUnit.SECONDS)).as("callers finished").isTrue();

      assertThat(failures).as("failed calls").isEmpty();
      assertThat(successes.get()).isGreaterThanOrEqualTo(100);
      assertThat(clientCerts.current().generation() - startGeneration).as("client rotations").isGreaterThanOrEqualTo(4);
      assertThat(serverCerts.current().generation() - startServerGeneration).as("server rotations")
          .isGreaterThanOrEqualTo(4);
      assertThat(client.sslSocketFactory()).as("one socket factory: the pool is not split").isSameAs(factory);
      assertThat(clientCerts.socketFactory()).isSameAs(factory);
      assertThat(connects.get()).as("connections are pooled and reused").isLessThan(successes.get() / 4);
      assertThat(server.clientSerials()).as("new handshakes present rotated client certificates").hasSizeGreaterThanOrEqualTo(3);
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
      assertThat(List.of(clientCerts.lastError(), serverCerts.lastError())).allMatch(java.util.Optional::isEmpty);
    }
  }
}
