package dev.meshlet.routing.lb;

import org.jspecify.annotations.Nullable;

/** Chooses among endpoints given a request's hash (meaningful to consistent hashing only). */
interface Selector {
  @Nullable Pick select(long hash, EndpointFilter exclude);
}
