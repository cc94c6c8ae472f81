package dev.meshlet.routing.mirror;

import dev.meshlet.core.config.Hosts;
import dev.meshlet.core.config.networking.Destination;
import dev.meshlet.core.config.networking.HttpRoute;
import dev.meshlet.core.config.networking.HttpMirrorPolicy;
import dev.meshlet.core.config.networking.Percent;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One mirror of a route: where copies go and what share of requests is copied.
 *
 * @param host the mirror's service FQDN
 * @param subset the subset of it, or null
 * @param port the port, or null for the request's
 * @param fraction 0..1 of requests copied
 */
public record MirrorTarget(String host, @Nullable String subset, @Nullable Integer port, double fraction) {

  /** The mirrors of {@code route} ({@code mirror} with {@code mirrorPercentage}, then {@code mirrors}). */
  public static List<MirrorTarget> of(HttpRoute route, String namespace) {
    List<MirrorTarget> out = new ArrayList<>();
    if (route.mirror() != null && route.mirror().host() != null) {
      double f = route.mirrorPercentage() != null
          ? percent(route.mirrorPercentage())
          : route.mirrorPercent() != null ? route.mirrorPercent() / 100.0 : 1.0;
      out.add(of(route.mirror(), namespace, f));
    }
    for (HttpMirrorPolicy m : route.mirrors()) {
      if (m.destination() != null && m.destination().host() != null) {
        out.add(of(m.destination(), namespace, m.percentage() == null ? 1.0 : percent(m.percentage())));
      }
    }
    return List.copyOf(out);
  }

  private static MirrorTarget of(Destination d, String namespace, double fraction) {
    return new MirrorTarget(Hosts.resolve(d.host(), namespace), d.subset(),
        d.port() == null ? null : d.port().number(), Math.max(0, Math.min(1, fraction)));
  }

  private static double percent(Percent p) {
    return p.value() == null ? 0 : p.value() / 100.0;
  }
}
