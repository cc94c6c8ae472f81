package dev.meshlet.routing.route;

import dev.meshlet.core.config.networking.HttpMatchRequest;
import dev.meshlet.core.config.networking.StringMatch;
import dev.meshlet.routing.CallerIdentity;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One compiled HTTPMatchRequest: every condition set in it must hold (AND). Conditions on the
 * caller (sourceLabels, sourceNamespace, gateways) are settled when compiling, since the caller is
 * fixed; a block they exclude is never built.
 */
public final class RequestMatcher {
  /** The match of a route that has no match block: everything. */
  public static final RequestMatcher ALL = new RequestMatcher(
      new HttpMatchRequest(null, null, null, null, null, null, null, null, null, null, null, null, null, null));

  private final @Nullable String name;
  private final @Nullable StringMatcher uri;
  private final @Nullable StringMatcher scheme;
  private final @Nullable StringMatcher method;
  private final @Nullable StringMatcher authority;
  private final @Nullable Integer port;
  private final String[] headerNames;
  private final StringMatcher[] headerMatchers;
  private final String[] withoutNames;
  private final StringMatcher[] withoutMatchers;
  private final String[] queryNames;
  private final StringMatcher[] queryMatchers;

  private RequestMatcher(HttpMatchRequest m) {
    boolean ignoreCase = Boolean.TRUE.equals(m.ignoreUriCase());
    this.name = m.name();
    this.uri = StringMatcher.compile(m.uri(), ignoreCase);
    this.scheme = StringMatcher.compile(m.scheme(), false);
    this.method = StringMatcher.compile(m.method(), false);
    this.authority = StringMatcher.compile(m.authority(), false);
    this.port = m.port();
    List<String> names = new ArrayList<>();
    List<StringMatcher> matchers = new ArrayList<>();
    split(m.headers(), names, matchers);
    this.headerNames = names.toArray(String[]::new);
    this.headerMatchers = matchers.toArray(StringMatcher[]::new);
    names.clear();
    matchers.clear();
    split(m.withoutHeaders(), names, matchers);
    this.withoutNames = names.toArray(String[]::new);
    this.withoutMatchers = matchers.toArray(StringMatcher[]::new);
    names.clear();
    matchers.clear();
    for (Map.Entry<String, StringMatch> e : m.queryParams().entrySet()) {
      names.add(e.getKey());
      matchers.add(StringMatcher.compile(e.getValue(), false));
    }
    this.queryNames = names.toArray(String[]::new);
    this.queryMatchers = matchers.toArray(StringMatcher[]::new);
  }

  private static void split(Map<String, StringMatch> headers, List<String> names, List<StringMatcher> matchers) {
    for (Map.Entry<String, StringMatch> e : headers.entrySet()) {
      names.add(e.getKey().toLowerCase(Locale.ROOT));
      matchers.add(StringMatcher.compile(e.getValue(), false));
    }
  }

  /**
   * The matcher of {@code m} for {@code caller}, or null when the block can never match this
   * caller (its sourceLabels, sourceNamespace or gateways exclude it).
   *
   * @param vsAppliesToMesh whether the VirtualService's own gateways include {@code mesh}
   */
  public static @Nullable RequestMatcher compile(HttpMatchRequest m, CallerIdentity caller, boolean vsAppliesToMesh) {
    boolean appliesToMesh = m.gateways().isEmpty() ? vsAppliesToMesh : m.gateways().contains("mesh");
    if (!appliesToMesh) {
      return null;
    }
    if (!caller.labels().entrySet().containsAll(m.sourceLabels().entrySet())) {
      return null;
    }
    if (m.sourceNamespace() != null && !m.sourceNamespace().equals(caller.namespace())) {
      return null;
    }
    return new RequestMatcher(m);
  }

  /** The block's name, or null. */
  public @Nullable String name() {
    return name;
  }

  /** The uri prefix this block matched on, or null when its uri match is not a prefix. */
  public @Nullable String uriPrefix() {
    return uri == null ? null : uri.prefix();
  }

  public boolean matches(RouteRequest r) {
    if (uri != null && !uri.matches(r.path())) {
      return false;
    }
    if (method != null && !method.matches(r.method())) {
      return false;
    }
    if (port != null && port != r.port()) {
      return false;
    }
    if (scheme != null && !scheme.matches(r.scheme())) {
      return false;
    }
    if (authority != null && !authority.matches(r.authority())) {
      return false;
    }
    for (int i = 0; i < headerNames.length; i++) {
      if (!headerMatchers[i].matches(r.header(headerNames[i]))) {
        return false;
      }
    }
    for (int i = 0; i < withoutNames.length; i++) {
      // An absent header cannot match, so withoutHeaders holds for it.
      if (withoutMatchers[i].matches(r.header(withoutNames[i]))) {
        return false;
      }
    }
    for (int i = 0; i < queryNames.length; i++) {
      if (!queryMatchers[i].matches(r.queryParameter(queryNames[i]))) {
        return false;
      }
    }
    return true;
  }
}
