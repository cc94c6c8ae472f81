package dev.meshlet.routing.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.core.config.networking.ConnectionPoolSettings;
import dev.meshlet.core.config.networking.ConnectionPoolSettings.HttpSettings;
import dev.meshlet.core.config.networking.ConnectionPoolSettings.TcpSettings;
import dev.meshlet.routing.ResponseFlag;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PoolLimiterTest {

  private final ExecutorService executor = Executors.newFixedThreadPool(8);

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  private static PoolConfig limits(int maxConnections, int pending, int maxRequests, int maxRetries) {
    return new PoolConfig(maxConnections, pending, maxRequests, 0, maxRetries,
        PoolConfig.DEFAULT_CONNECT_TIMEOUT, PoolConfig.DEFAULT_IDLE_TIMEOUT, null);
  }

  @Test
  void concurrentRequestsOverTheLimitFailAtOnceWithUoAndEveryPermitIsReleased() throws Exception {
    PoolLimiter limiter = new PoolLimiter("outbound|9080||reviews", limits(PoolConfig.UNLIMITED, 0, 3, 0));
    CountDownLatch holding = new CountDownLatch(3);
    CountDownLatch finish = new CountDownLatch(1);
    List<Future<?>> holders = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      holders.add(executor.submit(() -> {
        try (Permit permit = limiter.tryAcquire()) {
          holding.countDown();
          finish.await();
        }
        return null;
      }));
    }
    assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(limiter.stats().activeRequests()).isEqualTo(3);

    // Many more callers at once: every one is refused, none waits.
    AtomicInteger refused = new AtomicInteger();
    List<Future<?>> callers = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      callers.add(executor.submit(() -> {
        try {
          limiter.tryAcquire().release();
        } catch (OverflowException e) {
          assertThat(e.responseFlag()).isEqualTo(ResponseFlag.UO);
          assertThat(e.limit()).isEqualTo("http.http2MaxRequests");
          assertThat(e).hasMessage("upstream overflow (UO): outbound|9080||reviews: connectionPool.http.http2MaxRequests 3 reached");
          refused.incrementAndGet();
        }
        return null;
      }));
    }
    for (Future<?> f : callers) {
      f.get(5, TimeUnit.SECONDS);
    }
    assertThat(refused).hasValue(5);

    finish.countDown();
    for (Future<?> f : holders) {
      f.get(5, TimeUnit.SECONDS);
    }
    assertThat(limiter.stats()).isEqualTo(new PoolStats(0, 0, 0, 0, 5, 0, 0));
    limiter.tryAcquire().release();
  }

  @Test
  void releasingTwiceGivesBackOnePlace() throws Exception {
    PoolLimiter limiter = new PoolLimiter("d", limits(1, 0, 1, 0));
    Permit permit = limiter.tryAcquire();
    assertThat(permit.release()).isTrue();
    assertThat(permit.release()).isFalse(); // e.g. a cancel racing the response
    assertThat(permit.isReleased()).isTrue();
    Permit again = limiter.tryAcquire();
    assertThatThrownBy(limiter::tryAcquire).isInstanceOf(OverflowException.class);
    again.close();
    assertThat(limiter.stats().activeRequests()).isZero();
  }

  @Test
  void aPendingRequestWaitsForAConnectionWhileTheRestOverflow() throws Exception {
    PoolLimiter limiter = new PoolLimiter("d", limits(1, 1, PoolConfig.UNLIMITED, 0));
    Permit first = limiter.tryAcquire();
    CountDownLatch waiting = new CountDownLatch(1);
    Future<Permit> second = executor.submit(() -> {
      waiting.countDown();
      return limiter.acquire(Duration.ofSeconds(10));
    });
    assertThat(waiting.await(5, TimeUnit.SECONDS)).isTrue();
    while (limiter.stats().pendingRequests() == 0) {
      Thread.onSpinWait(); // until the second caller is parked as pending
    }
    assertThatThrownBy(() -> limiter.acquire(Duration.ofSeconds(10)))
        .isInstanceOfSatisfying(OverflowException.class,
            e -> assertThat(e.limit()).isEqualTo("http.http1MaxPendingRequests"));
    assertThatThrownBy(limiter::tryAcquire)
        .isInstanceOfSatisfying(OverflowException.class,
            e -> assertThat(e.limit()).isEqualTo("tcp.maxConnections"));
    first.release();
    second.get(5, TimeUnit.SECONDS).release();
    assertThat(limiter.stats()).isEqualTo(new PoolStats(0, 0, 0, 0, 1, 1, 0));
  }

  @Test
  void aPendingWaitIsBoundedInTime() throws Exception {
    PoolLimiter limiter = new PoolLimiter("d", limits(1, 5, PoolConfig.UNLIMITED, 0));
    Permit held = limiter.tryAcquire();
    assertThatThrownBy(() -> limiter.acquire(Duration.ofMillis(20))).isInstanceOf(OverflowException.class);
    held.release();
    assertThat(limiter.stats().activeRequests()).isZero();
    assertThat(limiter.stats().pendingRequests()).isZero();
  }

  @Test
  void aCancelledWaitReleasesWhatItHeld() throws Exception {
    PoolLimiter limiter = new PoolLimiter("d", limits(1, 1, PoolConfig.UNLIMITED, 0));
    Permit held = limiter.tryAcquire();
    CountDownLatch done = new CountDownLatch(1);
    AtomicInteger interrupted = new AtomicInteger();
    Thread waiter = new Thread(() -> {
      try {
        limiter.acquire(Duration.ofMinutes(1));
      } catch (InterruptedIOException e) {
        if (Thread.currentThread().isInterrupted()) {
          interrupted.incrementAndGet();
        }
      } catch (OverflowException e) {
        // not expected
      }
      done.countDown();
    });
    waiter.start();
    while (limiter.stats().pendingRequests() == 0) {
      Thread.onSpinWait();
    }
    waiter.interrupt();
    assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(interrupted).hasValue(1);
    held.release();
    assertThat(limiter.stats()).isEqualTo(new PoolStats(0, 0, 0, 0, 0, 0, 0));
  }

  @Test
  void retriesBeyondMaxRetriesAreNotMade() {
    PoolLimiter limiter = new PoolLimiter("d", limits(PoolConfig.UNLIMITED, 0, PoolConfig.UNLIMITED, 2));
    Permit a = limiter.tryAcquireRetry();
    Permit b = limiter.tryAcquireRetry();
    assertThat(a).isNotNull();
    assertThat(b).isNotNull();
    assertThat(limiter.tryAcquireRetry()).isNull();
    a.release();
    Permit c = limiter.tryAcquireRetry();
    assertThat(c).isNotNull();
    b.release();
    c.release();
    assertThat(limiter.stats().activeRetries()).isZero();
    assertThat(limiter.stats().retryOverflows()).isEqualTo(1);
  }

  @Test
  void configTakesIstiosDefaultsAndTheSettingsGiven() {
    assertThat(PoolConfig.of(null)).isEqualTo(PoolConfig.ofDefaults());
    assertThat(PoolConfig.ofDefaults().maxConnections()).isEqualTo(PoolConfig.UNLIMITED);
    assertThat(PoolConfig.ofDefaults().connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    PoolConfig config = PoolConfig.of(new ConnectionPoolSettings(
        new TcpSettings(100, Duration.ofMillis(30), null, null, Duration.ofMinutes(5)),
        new HttpSettings(10, 50, 3, 4, null, null, null, null, null)));
    assertThat(config).isEqualTo(new PoolConfig(100, 10, 50, 3, 4, Duration.ofMillis(30), Duration.ofMinutes(5), null));
    assertThatThrownBy(() -> PoolConfig.of(new ConnectionPoolSettings(new TcpSettings(-1, null, null, null, null), null)))
        .hasMessage("connectionPool.tcp.maxConnections: -1 (expected: >= 0)");
  }

  @Test
  void reconfiguringKeepsTheLimiterUnlessTheLimitsChanged() {
    PoolLimiter limiter = new PoolLimiter("d", PoolConfig.ofDefaults());
    assertThat(limiter.reconfigure(PoolConfig.of(null))).isSameAs(limiter);
    PoolLimiter changed = limiter.reconfigure(limits(1, 0, 1, 0));
    assertThat(changed).isNotSameAs(limiter);
    assertThat(changed.config().maxConnections()).isEqualTo(1);
  }

  @Test
  void http2RequestsShareConnectionsAndAreBoundedByMaxRequestsOnly() throws Exception {
    PoolLimiter limiter = new PoolLimiter("d", limits(1, 0, 3, 0));
    List<Permit> permits = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      permits.add(limiter.acquire(Duration.ZERO, true));
    }
    assertThat(limiter.stats().activeConnections()).isZero();
    assertThatThrownBy(() -> limiter.acquire(Duration.ZERO, true))
        .isInstanceOfSatisfying(OverflowException.class, e -> assertThat(e.limit()).isEqualTo("http.http2MaxRequests"));
    permits.forEach(Permit::release);
    assertThat(limiter.stats().activeRequests()).isZero();
  }
}
