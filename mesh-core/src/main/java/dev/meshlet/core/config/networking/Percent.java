package dev.meshlet.core.config.networking;

import org.jspecify.annotations.Nullable;

/** A percentage 0.0..100.0, as Istio's {@code Percent} message writes it ({@code value: 10.5}). */
public record Percent(@Nullable Double value) {

  public static Percent of(double value) {
    return new Percent(value);
  }
}
