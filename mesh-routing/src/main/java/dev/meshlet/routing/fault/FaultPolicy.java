package dev.meshlet.routing.fault;

import dev.meshlet.core.config.networking.HttpFaultInjection;
import dev.meshlet.core.config.networking.Percent;
import java.time.Duration;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * A route's fault injection, compiled: a delay and an abort, each applied to its own share of
 * requests, decided independently (a request may be delayed, aborted, both or neither, as
 * Envoy's fault filter does). A share left unset means every request, as in Istio.
 */
public final class FaultPolicy {
  private final long delayMillis;
  private final double delayFraction;
  private final int abortStatus;
  private final @Nullable String grpcStatus;
  private final double abortFraction;

  private FaultPolicy(long delayMillis, double delayFraction, int abortStatus, @Nullable String grpcStatus,
      double abortFraction) {
    this.delayMillis = delayMillis;
    this.delayFraction = delayFraction;
    this.abortStatus = abortStatus;
    this.grpcStatus = grpcStatus;
    this.abortFraction = abortFraction;
  }

  /** The compiled fault, or null when {@code fault} injects nothing. */
  public static @Nullable FaultPolicy compile(@Nullable HttpFaultInjection fault) {
    if (fault == null) {
      return null;
    }
    long delay = 0;
    double delayFraction = 0;
    HttpFaultInjection.Delay d = fault.delay();
    if (d != null) {
      Duration fixed = d.fixedDelay() != null ? d.fixedDelay() : d.exponentialDelay();
      delay = fixed == null ? 0 : fixed.toMillis();
      delayFraction = fraction(d.percentage(), d.percent());
    }
    int status = 0;
    String grpc = null;
    double abortFraction = 0;
    HttpFaultInjection.Abort a = fault.abort();
    if (a != null) {
      status = a.httpStatus() != null ? a.httpStatus() : a.grpcStatus() != null ? 200 : 503;
      grpc = a.grpcStatus();
      abortFraction = fraction(a.percentage(), null);
    }
    if ((delay <= 0 || delayFraction <= 0) && abortFraction <= 0) {
      return null;
    }
    return new FaultPolicy(delay, delayFraction, status, grpc, abortFraction);
  }

  private static double fraction(@Nullable Percent percentage, @Nullable Integer percent) {
    if (percentage != null) {
      return percentage.value() == null ? 0 : clamp(percentage.value() / 100.0);
    }
    if (percent != null) {
      return clamp(percent / 100.0);
    }
    return 1.0;
  }

  private static double clamp(double f) {
    return Math.max(0, Math.min(1, f));
  }

  /** The delay to inject into this request, in milliseconds; 0 for none. */
  public long delayMillis(RandomGenerator random) {
    return delayMillis > 0 && chance(random, delayFraction) ? delayMillis : 0;
  }

  /** Whether to abort this request. */
  public boolean aborts(RandomGenerator random) {
    return chance(random, abortFraction);
  }

  /** The HTTP status an abort answers with. */
  public int abortStatus() {
    return abortStatus;
  }

  /** The gRPC status an abort answers with (in a {@code grpc-status} header), or null. */
  public @Nullable String grpcStatus() {
    return grpcStatus;
  }

  private static boolean chance(RandomGenerator random, double fraction) {
    return fraction >= 1.0 || fraction > 0 && random.nextDouble() < fraction;
  }
}
