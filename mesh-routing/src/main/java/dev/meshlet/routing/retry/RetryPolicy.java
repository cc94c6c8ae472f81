package dev.meshlet.routing.retry;

import dev.meshlet.core.config.networking.HttpRetry;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import java.util.random.RandomGenerator;
import okhttp3.Headers;
import org.jspecify.annotations.Nullable;

/**
 * A route's retry policy, compiled from Istio's HTTPRetry: how many retries, on which conditions,
 * each try's timeout, whether to avoid hosts already tried, and the backoff between tries
 * (Envoy's: jittered, exponential from a 25 ms base, capped at ten times the base).
 */
public final class RetryPolicy {
  /** Envoy's base backoff interval. */
  public static final Duration DEFAULT_BACKOFF = Duration.ofMillis(25);

  /**
   * Istio's policy for a route that sets none: two retries on connect-failure, refused-stream,
   * unavailable, cancelled and retriable-status-codes with 503, avoiding the hosts already tried.
   */
  public static final RetryPolicy ISTIO_DEFAULT = new RetryPolicy(2, null,
      EnumSet.of(RetryOn.CONNECT_FAILURE, RetryOn.REFUSED_STREAM, RetryOn.UNAVAILABLE, RetryOn.CANCELLED,
          RetryOn.RETRIABLE_STATUS_CODES),
      Set.of(503), true, DEFAULT_BACKOFF);

  /** No retries. */
  public static final RetryPolicy NONE = new RetryPolicy(0, null, EnumSet.noneOf(RetryOn.class), Set.of(), false,
      DEFAULT_BACKOFF);

  private final int retries;
  private final @Nullable Duration perTryTimeout;
  private final Set<RetryOn> conditions;
  private final Set<Integer> statusCodes;
  private final boolean ignorePreviousHosts;
  private final Duration backoff;
  /** Status codes below this have their answer of {@link #retriableStatus} kept. */
  private static final int STATUS_SLOTS = 600;
  private final boolean[] byStatus;
  /** Whether a {@code grpc-status} header can make a response retriable. */
  private final boolean anyGrpc;
  private final boolean[] byFailure;

  private RetryPolicy(int retries, @Nullable Duration perTryTimeout, Set<RetryOn> conditions, Set<Integer> statusCodes,
      boolean ignorePreviousHosts, Duration backoff) {
    this.retries = retries;
    this.perTryTimeout = perTryTimeout;
    this.conditions = conditions.isEmpty() ? EnumSet.noneOf(RetryOn.class) : EnumSet.copyOf(conditions);
    this.statusCodes = Set.copyOf(statusCodes);
    this.ignorePreviousHosts = ignorePreviousHosts;
    this.backoff = backoff;
    // Every answer of the retriable checks decided once, so a call reads an array, not sets.
    this.byStatus = new boolean[STATUS_SLOTS];
    for (int status = 0; status < STATUS_SLOTS; status++) {
      byStatus[status] = retriableStatus(status);
    }
    this.anyGrpc = this.conditions.contains(RetryOn.CANCELLED) || this.conditions.contains(RetryOn.DEADLINE_EXCEEDED)
        || this.conditions.contains(RetryOn.RESOURCE_EXHAUSTED) || this.conditions.contains(RetryOn.INTERNAL)
        || this.conditions.contains(RetryOn.UNAVAILABLE);
    this.byFailure = new boolean[Failure.values().length];
    for (Failure f : Failure.values()) {
      byFailure[f.ordinal()] = retriableFailure(f);
    }
  }

  /**
   * Istio's translation: no {@code retries} block gives {@link #ISTIO_DEFAULT}; {@code attempts}
   * unset or 0 turns retries off; {@code retryOn} unset keeps the default conditions; numeric
   * tokens in it are retriable status codes.
   */
  public static RetryPolicy compile(@Nullable HttpRetry retry) {
    if (retry == null) {
      return ISTIO_DEFAULT;
    }
    int attempts = retry.attempts() == null ? 0 : retry.attempts();
    Duration perTry = retry.perTryTimeout() == null || retry.perTryTimeout().isZero() ? null : retry.perTryTimeout();
    if (attempts <= 0) {
      return perTry == null ? NONE : new RetryPolicy(0, perTry, Set.of(), Set.of(), false, DEFAULT_BACKOFF);
    }
    Set<RetryOn> on = EnumSet.noneOf(RetryOn.class);
    Set<Integer> codes = new HashSet<>();
    if (retry.retryOn() == null || retry.retryOn().isBlank()) {
      on.addAll(ISTIO_DEFAULT.conditions);
      codes.addAll(ISTIO_DEFAULT.statusCodes);
    } else {
      for (String token : retry.retryOn().split(",")) {
        String t = token.trim();
        if (t.isEmpty()) {
          continue;
        }
        if (t.chars().allMatch(Character::isDigit)) {
          codes.add(Integer.parseInt(t));
          on.add(RetryOn.RETRIABLE_STATUS_CODES);
        } else {
          RetryOn r = RetryOn.byToken(t);
          if (r != null) {
            on.add(r); // unknown tokens (retriable-headers, envoy-ratelimited...) are ignored, as Envoy's own are not ours
          }
        }
      }
    }
    boolean ignorePrevious = retry.retryIgnorePreviousHosts() == null || retry.retryIgnorePreviousHosts();
    Duration backoff = retry.backoff() == null || retry.backoff().isZero() ? DEFAULT_BACKOFF : retry.backoff();
    return new RetryPolicy(attempts, perTry, on, codes, ignorePrevious, backoff);
  }

  /** How many retries after the first try. */
  public int retries() {
    return retries;
  }

  public @Nullable Duration perTryTimeout() {
    return perTryTimeout;
  }

  public Set<RetryOn> conditions() {
    return conditions;
  }

  public boolean ignorePreviousHosts() {
    return ignorePreviousHosts;
  }

  /** Whether a response with {@code status} and {@code headers} is one to retry. */
  public boolean retriable(int status, Headers headers) {
    if (retries == 0) {
      return false;
    }
    if (status >= 0 && status < STATUS_SLOTS ? byStatus[status] : retriableStatus(status)) {
      return true;
    }
    if (!anyGrpc) {
      return false; // no condition a gRPC status names: the header need not be read
    }
    String grpc = headers.get("grpc-status");
    if (grpc != null) {
      RetryOn r = switch (grpc.trim()) {
        case "1" -> RetryOn.CANCELLED;
        case "4" -> RetryOn.DEADLINE_EXCEEDED;
        case "8" -> RetryOn.RESOURCE_EXHAUSTED;
        case "13" -> RetryOn.INTERNAL;
        case "14" -> RetryOn.UNAVAILABLE;
        default -> null;
      };
      return r != null && conditions.contains(r);
    }
    return false;
  }

  /** Whether {@code status} alone makes a response retriable. */
  private boolean retriableStatus(int status) {
    if (status >= 500 && conditions.contains(RetryOn.FIVE_XX)) {
      return true;
    }
    if ((status == 502 || status == 503 || status == 504) && conditions.contains(RetryOn.GATEWAY_ERROR)) {
      return true;
    }
    if (status == 409 && conditions.contains(RetryOn.RETRIABLE_4XX)) {
      return true;
    }
    return conditions.contains(RetryOn.RETRIABLE_STATUS_CODES) && statusCodes.contains(status);
  }

  /** Whether an attempt that failed with {@code failure} is one to retry. */
  public boolean retriable(Failure failure) {
    return retries != 0 && byFailure[failure.ordinal()];
  }

  private boolean retriableFailure(Failure failure) {
    boolean noResponse = conditions.contains(RetryOn.FIVE_XX) || conditions.contains(RetryOn.GATEWAY_ERROR)
        || conditions.contains(RetryOn.RESET);
    return switch (failure) {
      case CONNECT_FAILURE -> noResponse || conditions.contains(RetryOn.CONNECT_FAILURE);
      case REFUSED_STREAM -> noResponse || conditions.contains(RetryOn.REFUSED_STREAM);
      case RESET, PER_TRY_TIMEOUT -> noResponse;
    };
  }

  /**
   * The pause before retry {@code n} (1 for the first): uniformly random between 0 and
   * {@code (2^n - 1) * base}, at most ten times the base.
   */
  public long backoffMillis(int n, RandomGenerator random) {
    long base = Math.max(1, backoff.toMillis());
    long upper = Math.min(base * 10, base * ((1L << Math.min(n, 20)) - 1));
    return random.nextLong(upper + 1);
  }

  @Override
  public String toString() {
    return "RetryPolicy{retries=" + retries + ", perTryTimeout=" + perTryTimeout + ", on=" + conditions
        + ", codes=" + statusCodes + "}";
  }
}
