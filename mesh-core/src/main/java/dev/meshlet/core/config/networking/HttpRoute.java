package dev.meshlet.core.config.networking;

import dev.meshlet.core.config.Copies;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP routing rule of a VirtualService (Istio's HTTPRoute): the conditions it matches and
 * what happens to a matching request (route, redirect, direct response or delegation, with
 * rewrite, timeout, retries, fault injection, mirroring, CORS and header edits).
 *
 * @param mirrorPercent deprecated by Istio in favour of {@code mirrorPercentage}
 * @param mirror_percent the legacy spelling of {@code mirrorPercent}, which Istio's CRD schema
 *     still accepts; deprecated like it
 */
public record HttpRoute(
    @Nullable String name,
    List<HttpMatchRequest> match,
    List<HttpRouteDestination> route,
    @Nullable HttpRedirect redirect,
    @Nullable HttpDirectResponse directResponse,
    @Nullable Delegate delegate,
    @Nullable HttpRewrite rewrite,
    @Nullable Duration timeout,
    @Nullable HttpRetry retries,
    @Nullable HttpFaultInjection fault,
    @Nullable Destination mirror,
    List<HttpMirrorPolicy> mirrors,
    @Nullable Integer mirrorPercent,
    @Nullable Percent mirrorPercentage,
    @Nullable CorsPolicy corsPolicy,
    @Nullable Headers headers,
    @Nullable Integer mirror_percent) {

  public HttpRoute {
    match = Copies.list(match);
    route = Copies.list(route);
    mirrors = Copies.list(mirrors);
  }

  /** The mirror percentage in whichever spelling was written ({@code mirrorPercent} first). */
  public @Nullable Integer legacyMirrorPercent() {
    return mirrorPercent != null ? mirrorPercent : mirror_percent;
  }
}
