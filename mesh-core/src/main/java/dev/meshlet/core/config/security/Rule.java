package dev.meshlet.core.config.security;

import dev.meshlet.core.config.Copies;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Istio's AuthorizationPolicy {@code Rule}: matches a request when at least one {@code from}
 * source, at least one {@code to} operation and every {@code when} condition match. An empty list
 * places no constraint, so an empty rule matches every request.
 */
public record Rule(List<From> from, List<To> to, List<Condition> when) {
  public Rule {
    from = Copies.list(from);
    to = Copies.list(to);
    when = Copies.list(when);
  }

  /** Istio's {@code Rule.From}: one source a request may come from. */
  public record From(@Nullable Source source) {}

  /** Istio's {@code Rule.To}: one operation a request may perform. */
  public record To(@Nullable Operation operation) {}
}
