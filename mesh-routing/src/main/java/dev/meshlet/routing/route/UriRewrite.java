package dev.meshlet.routing.route;

import com.google.re2j.Pattern;
import dev.meshlet.core.config.networking.HttpRewrite;
import org.jspecify.annotations.Nullable;

/**
 * A route's rewrite, compiled: the path (replacing the prefix that matched, or the whole path for
 * any other match, as Istio does), a RE2 regex rewrite of the path, and the authority.
 */
public final class UriRewrite {
  private final @Nullable String uri;
  private final @Nullable Pattern regex;
  private final @Nullable String replacement;
  private final @Nullable String authority;

  private UriRewrite(@Nullable String uri, @Nullable Pattern regex, @Nullable String replacement,
      @Nullable String authority) {
    this.uri = uri;
    this.regex = regex;
    this.replacement = replacement;
    this.authority = authority;
  }

  public static @Nullable UriRewrite compile(@Nullable HttpRewrite r) {
    if (r == null || r.uri() == null && r.authority() == null && r.uriRegexRewrite() == null) {
      return null;
    }
    Pattern p = null;
    String repl = null;
    if (r.uriRegexRewrite() != null && r.uriRegexRewrite().match() != null) {
      p = Pattern.compile(r.uriRegexRewrite().match());
      repl = toRe2jReplacement(r.uriRegexRewrite().rewrite() == null ? "" : r.uriRegexRewrite().rewrite());
    }
    return new UriRewrite(r.uri(), p, repl, r.authority());
  }

  /** Istio writes capture groups as {@code \1}; RE2/J's replaceAll wants {@code $1} and a literal {@code $} escaped. */
  static String toRe2jReplacement(String rewrite) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < rewrite.length(); i++) {
      char c = rewrite.charAt(i);
      if (c == '\\' && i + 1 < rewrite.length() && Character.isDigit(rewrite.charAt(i + 1))) {
        sb.append('$').append(rewrite.charAt(++i));
      } else if (c == '$' || c == '\\') {
        sb.append('\\').append(c);
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** The new encoded path of {@code path}, given the uri prefix that matched (or null). */
  public String path(String path, @Nullable String matchedPrefix) {
    if (uri != null) {
      if (matchedPrefix != null && path.length() >= matchedPrefix.length()) {
        return uri + path.substring(matchedPrefix.length());
      }
      return uri;
    }
    if (regex != null) {
      return regex.matcher(path).replaceAll(replacement);
    }
    return path;
  }

  public boolean rewritesPath() {
    return uri != null || regex != null;
  }

  /** The new authority, or null to keep it. */
  public @Nullable String authority() {
    return authority;
  }
}
