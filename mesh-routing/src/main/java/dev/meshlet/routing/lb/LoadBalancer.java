package dev.meshlet.routing.lb;

import dev.meshlet.routing.endpoint.Endpoint;
import java.util.List;
import okhttp3.Request;
import org.jspecify.annotations.Nullable;

/**
 * Picks the endpoint of one destination (host, subset, port) a call goes to. An instance is
 * built once per endpoint set and policy by {@link LoadBalancerFactory} and is immutable and
 * thread-safe: picking takes no lock. When the endpoints or the policy change, build a new one.
 */
public interface LoadBalancer {

  /**
   * Picks an endpoint for {@code request}.
   *
   * @param request the outgoing request; consistent hashing reads its header, cookie or query
   *     parameter
   * @param sourceIp the caller's address, for {@code useSourceIp} hashing; null when unknown
   * @param exclude endpoints not to pick (ejected, or already tried by a retry)
   * @return the pick, or null when every endpoint is excluded or there is none (the caller fails
   *     the call with response flag UH)
   */
  @Nullable Pick pick(Request request, @Nullable String sourceIp, EndpointFilter exclude);

  /**
   * Whether {@link #pick} may read the request header {@code name} (case-insensitive): the mesh
   * then hands it the request with that header as it will be sent. True unless known otherwise.
   */
  default boolean readsHeader(String name) {
    return true;
  }

  /** The endpoints this balancer picks among, in the order it was built with. */
  List<Endpoint> endpoints();
}
