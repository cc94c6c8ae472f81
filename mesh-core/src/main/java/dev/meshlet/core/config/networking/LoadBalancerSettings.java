package dev.meshlet.core.config.networking;

import dev.meshlet.core.config.Copies;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How a destination's endpoints are chosen: a simple algorithm or a consistent hash, locality
 * preferences and a warm-up for new endpoints.
 *
 * @param warmupDurationSecs deprecated by Istio in favour of {@code warmup.duration}
 */
public record LoadBalancerSettings(
    @Nullable SimpleLb simple,
    @Nullable ConsistentHashLb consistentHash,
    @Nullable LocalityLoadBalancerSetting localityLbSetting,
    @Nullable Duration warmupDurationSecs,
    @Nullable WarmupConfiguration warmup) {

  /** Istio's simple algorithms; LEAST_CONN is Istio's deprecated name for LEAST_REQUEST. */
  public enum SimpleLb {
    UNSPECIFIED,
    LEAST_CONN,
    RANDOM,
    PASSTHROUGH,
    ROUND_ROBIN,
    LEAST_REQUEST
  }

  /**
   * Sticky sessions: a request's hash key (a header, cookie, source IP or query parameter)
   * picks the endpoint, through a ring hash or Maglev.
   *
   * @param minimumRingSize deprecated by Istio in favour of {@code ringHash.minimumRingSize}
   */
  public record ConsistentHashLb(
      @Nullable String httpHeaderName,
      @Nullable HttpCookie httpCookie,
      @Nullable Boolean useSourceIp,
      @Nullable String httpQueryParameterName,
      @Nullable RingHash ringHash,
      @Nullable MagLev maglev,
      @Nullable Long minimumRingSize) {}

  /**
   * A cookie hash key; with a {@code ttl} the proxy makes the cookie when a request lacks it.
   *
   * @param attributes attributes of the generated cookie
   */
  public record HttpCookie(
      @Nullable String name, @Nullable String path, @Nullable Duration ttl, List<Attribute> attributes) {
    public HttpCookie {
      attributes = Copies.list(attributes);
    }
  }

  /** A cookie attribute ({@code SameSite=Strict}, {@code Secure}). */
  public record Attribute(@Nullable String name, @Nullable String value) {}

  /** Ring hash parameters. */
  public record RingHash(@Nullable Long minimumRingSize) {}

  /** Maglev parameters; the table size should be prime. */
  public record MagLev(@Nullable Long tableSize) {}

  /**
   * Slow start: a new endpoint's share of traffic grows over {@code duration}.
   *
   * @param minimumPercent the share it starts at, 0..100 (Istio: default 10)
   * @param aggression how fast the share grows, at least 1 (Istio: default 1, linear)
   */
  public record WarmupConfiguration(
      @Nullable Duration duration, @Nullable Double minimumPercent, @Nullable Double aggression) {}
}
