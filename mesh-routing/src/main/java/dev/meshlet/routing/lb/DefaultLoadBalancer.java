package dev.meshlet.routing.lb;

import dev.meshlet.routing.endpoint.Endpoint;
import java.util.List;
import java.util.random.RandomGenerator;
import okhttp3.Request;
import org.jspecify.annotations.Nullable;

/** A selector plus, for consistent hashing, where the request's key comes from. */
final class DefaultLoadBalancer implements LoadBalancer {

  private final List<Endpoint> endpoints;
  private final Selector selector;
  private final @Nullable HashKey hashKey;
  private final RandomGenerator random;
  private final String description;

  DefaultLoadBalancer(
      List<Endpoint> endpoints,
      Selector selector,
      @Nullable HashKey hashKey,
      RandomGenerator random,
      String description) {
    this.endpoints = List.copyOf(endpoints);
    this.selector = selector;
    this.hashKey = hashKey;
    this.random = random;
    this.description = description;
  }

  @Override
  public @Nullable Pick pick(Request request, @Nullable String sourceIp, EndpointFilter exclude) {
    if (endpoints.isEmpty()) {
      return null;
    }
    if (hashKey == null) {
      return selector.select(0, exclude);
    }
    String value = hashKey.value(request, sourceIp);
    String setCookie = null;
    if (value == null && hashKey.generatesCookie()) {
      value = HashKey.newCookieValue(random);
      setCookie = hashKey.setCookie(value);
    }
    // Without a key, Envoy's hashing balancers pick at random.
    long hash = value == null ? random.nextLong() : Hashing.hash64(value);
    Pick pick = selector.select(hash, exclude);
    if (pick == null || setCookie == null) {
      return pick;
    }
    return new Pick(pick.endpoint(), setCookie);
  }

  @Override
  public boolean readsHeader(String name) {
    return hashKey != null && hashKey.readsHeader(name);
  }

  @Override
  public List<Endpoint> endpoints() {
    return endpoints;
  }

  @Override
  public String toString() {
    return description + endpoints;
  }
}
