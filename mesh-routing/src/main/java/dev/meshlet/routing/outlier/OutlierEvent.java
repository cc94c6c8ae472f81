package dev.meshlet.routing.outlier;

import dev.meshlet.routing.endpoint.Endpoint;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Something outlier detection did to an endpoint, for metrics and logs.
 *
 * @param type what happened
 * @param endpoint the endpoint
 * @param reason why it was (or would have been) ejected; null for {@link Type#RETURNED}
 * @param timesEjected the ejection multiplier after the event
 * @param ejectedUntil when the ejection ends; null unless {@link Type#EJECTED}
 */
public record OutlierEvent(
    Type type,
    Endpoint endpoint,
    @Nullable EjectionReason reason,
    int timesEjected,
    @Nullable Instant ejectedUntil) {

  /** The kinds of event. */
  public enum Type {
    /** The endpoint was ejected. */
    EJECTED,
    /** An ejection was due but {@code maxEjectionPercent} did not allow it. */
    EJECTION_SKIPPED,
    /** The endpoint's ejection time passed; it takes traffic again. */
    RETURNED
  }

  /** Receives outlier events; called on the thread that caused them, so it must be quick. */
  @FunctionalInterface
  public interface Listener {
    /** Ignores every event. */
    Listener NONE = event -> {};

    void onEvent(OutlierEvent event);
  }
}
