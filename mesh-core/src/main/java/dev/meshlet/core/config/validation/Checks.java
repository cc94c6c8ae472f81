package dev.meshlet.core.config.validation;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.meshlet.core.config.Problem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Collects the problems of one resource, with the checks Istio's validation shares between
 * kinds (hosts, ports, durations, percentages, labels, regexes), each reporting Istio's verdict
 * at the path it is given.
 */
public final class Checks {
  private static final Pattern DNS1123_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
  private static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
  private static final Pattern LABEL_NAME = Pattern.compile("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$");
  private static final Pattern LABEL_VALUE = Pattern.compile("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$");
  private static final Pattern HEADER_NAME = Pattern.compile("^[-!#$%&'*+.^_`|~0-9A-Za-z]+$");

  private final List<Problem> problems = new ArrayList<>();

  public void error(String path, String message) {
    problems.add(Problem.error(path, message));
  }

  public void warn(String path, String message) {
    problems.add(Problem.warning(path, message));
  }

  public List<Problem> problems() {
    return List.copyOf(problems);
  }

  public boolean hasErrors() {
    return problems.stream().anyMatch(Problem::isError);
  }

  /** Istio's ValidateDuration: at least 1ms, and whole milliseconds. */
  public void duration(String path, @Nullable Duration d) {
    if (d == null) {
      return;
    }
    if (d.compareTo(Duration.ofMillis(1)) < 0) {
      error(path, "duration must be greater than 1ms");
    } else if (d.toNanos() % 1_000_000 != 0) {
      error(path, "only durations to ms precision are supported");
    }
  }

  /** A port number, 1..65535. */
  public void port(String path, @Nullable Integer port) {
    if (port != null && (port < 1 || port > 65535)) {
      error(path, "port number " + port + " must be in the range 1..65535");
    }
  }

  /** A percentage, 0..100. */
  public void percent(String path, @Nullable Double value) {
    if (value != null && (value < 0 || value > 100 || value.isNaN())) {
      error(path, "percentage " + value + " is not in range 0..100");
    }
  }

  /** A regex as RE2 (and so Envoy and Istio) reads it; lookaround and backreferences are refused. */
  public @Nullable Pattern regex(String path, @Nullable String regex) {
    if (regex == null) {
      return null;
    }
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      error(path, "\"" + regex + "\" is not a valid regex (RE2 syntax): " + e.getDescription());
      return null;
    }
  }

  /** Kubernetes label keys and values, as a workload selector or subset holds them. */
  public void labels(String path, Map<String, String> labels) {
    labels.forEach((k, v) -> {
      String at = path + "[" + k + "]";
      String name = k;
      int slash = k.indexOf('/');
      if (slash >= 0) {
        String prefix = k.substring(0, slash);
        name = k.substring(slash + 1);
        if (prefix.isEmpty() || prefix.length() > 253 || !DNS1123_SUBDOMAIN.matches(prefix)) {
          error(at, "label key prefix \"" + prefix + "\" must be a DNS-1123 subdomain");
        }
      }
      if (name.isEmpty() || name.length() > 63 || !LABEL_NAME.matches(name)) {
        error(at, "\"" + k + "\" is not a valid label key (alphanumerics, '-', '_' or '.', at most 63, starting and ending alphanumeric)");
      }
      if (v.length() > 63 || !LABEL_VALUE.matches(v)) {
        error(at, "\"" + v + "\" is not a valid label value (alphanumerics, '-', '_' or '.', at most 63, starting and ending alphanumeric)");
      }
    });
  }

  /** An HTTP header name (an RFC 7230 token). */
  public void headerName(String path, String name) {
    if (name.isEmpty() || !HEADER_NAME.matches(name)) {
      error(path, "\"" + name + "\" is not a valid HTTP header name");
    }
  }

  /** A DNS-1123 label (a Kubernetes namespace or service name). */
  public static boolean isDns1123Label(String s) {
    return !s.isEmpty() && s.length() <= 63 && DNS1123_LABEL.matches(s);
  }

  /** A DNS-1123 subdomain (a Kubernetes object name). */
  public static boolean isDns1123Subdomain(String s) {
    return !s.isEmpty() && s.length() <= 253 && DNS1123_SUBDOMAIN.matches(s);
  }

  /**
   * Istio's ValidateWildcardDomain: an FQDN whose first label may be {@code *} or {@code *x};
   * at most 255 characters, labels of at most 63.
   */
  public void wildcardHost(String path, String host) {
    if (host.isEmpty()) {
      error(path, "host must not be empty");
      return;
    }
    if (host.length() > 255) {
      error(path, "domain name \"" + host + "\" too long (max 255)");
      return;
    }
    String rest = host;
    String first = host;
    int dot = host.indexOf('.');
    if (dot >= 0) {
      first = host.substring(0, dot);
      rest = host.substring(dot + 1);
    } else {
      rest = "";
    }
    if (first.startsWith("*")) {
      String tail = first.substring(1);
      if (!tail.isEmpty() && !isDnsLabel(tail)) {
        error(path, "domain name \"" + host + "\" invalid (label \"" + first + "\" invalid)");
        return;
      }
    } else if (!isDnsLabel(first)) {
      error(path, "domain name \"" + host + "\" invalid (label \"" + first + "\" invalid)");
      return;
    }
    if (!rest.isEmpty()) {
      for (String label : rest.split("\\.", -1)) {
        if (!isDnsLabel(label)) {
          error(path, "domain name \"" + host + "\" invalid (label \"" + label + "\" invalid)");
          return;
        }
      }
    }
  }

  /** Istio's ValidateFQDN: labels of letters, digits and '-', at most 63 each, 255 in all. */
  public void fqdn(String path, String host) {
    if (host.isEmpty() || host.length() > 255) {
      error(path, "domain name \"" + host + "\" invalid (length must be 1..255)");
      return;
    }
    String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    for (String label : h.split("\\.", -1)) {
      if (!isDnsLabel(label)) {
        error(path, "domain name \"" + host + "\" invalid (label \"" + label + "\" invalid)");
        return;
      }
    }
  }

  private static boolean isDnsLabel(String label) {
    if (label.isEmpty() || label.length() > 63) {
      return false;
    }
    for (int i = 0; i < label.length(); i++) {
      char c = label.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
      if (!ok) {
        return false;
      }
    }
    return label.charAt(0) != '-' && label.charAt(label.length() - 1) != '-';
  }
}
