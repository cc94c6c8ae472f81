package dev.meshlet.core.config.networking;

import dev.meshlet.core.config.Copies;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The conditions an HTTP request must meet for a route to apply (Istio's HTTPMatchRequest): all
 * set fields must hold (AND); the entries of a route's {@code match} list are OR-ed.
 *
 * @param headers header name (lower case) to the match its value must meet
 * @param queryParams query parameter name to the match its value must meet
 * @param withoutHeaders headers that must be absent or not match
 * @param statPrefix a prefix for the route's statistics in Envoy; no meaning in-process
 */
public record HttpMatchRequest(
    @Nullable String name,
    @Nullable StringMatch uri,
    @Nullable StringMatch scheme,
    @Nullable StringMatch method,
    @Nullable StringMatch authority,
    Map<String, StringMatch> headers,
    @Nullable Integer port,
    Map<String, String> sourceLabels,
    List<String> gateways,
    Map<String, StringMatch> queryParams,
    @Nullable Boolean ignoreUriCase,
    Map<String, StringMatch> withoutHeaders,
    @Nullable String sourceNamespace,
    @Nullable String statPrefix) {

  public HttpMatchRequest {
    headers = Copies.map(headers);
    sourceLabels = Copies.map(sourceLabels);
    gateways = Copies.list(gateways);
    queryParams = Copies.map(queryParams);
    withoutHeaders = Copies.map(withoutHeaders);
  }
}
