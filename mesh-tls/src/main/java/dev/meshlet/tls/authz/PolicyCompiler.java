package dev.meshlet.tls.authz;

import dev.meshlet.core.config.security.Condition;
import dev.meshlet.core.config.security.Operation;
import dev.meshlet.core.config.security.Rule;
import dev.meshlet.core.config.security.Source;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Turns a rule into matchers, with Istio's semantics for each field (its RBAC generators): the
 * values of a field are ORed, a {@code not} field excludes, the fields of a source or operation
 * are ANDed, the sources (and operations) of a rule are ORed, and every {@code when} must hold.
 * An absent attribute (no principal on plaintext, a missing header) matches no value, so it
 * satisfies every {@code not} form.
 */
final class PolicyCompiler {

  private final String policyNamespace;

  /** Compiles the rules of a policy in {@code policyNamespace} (where a bare service account lives). */
  PolicyCompiler(String policyNamespace) {
    this.policyNamespace = policyNamespace;
  }

  /** {@code at} names the rule in errors: {@code AuthorizationPolicy ns/name: spec.rules[0]}. */
  RequestMatcher rule(Rule rule, String at) {
    List<RequestMatcher> parts = new ArrayList<>();
    if (!rule.from().isEmpty()) {
      RequestMatcher[] sources = new RequestMatcher[rule.from().size()];
      for (int i = 0; i < sources.length; i++) {
        Source s = rule.from().get(i).source();
        sources[i] = s == null ? RequestMatcher.ALWAYS : source(s, at + ".from[" + i + "].source");
      }
      parts.add(RequestMatcher.anyOf(sources));
    }
    if (!rule.to().isEmpty()) {
      RequestMatcher[] operations = new RequestMatcher[rule.to().size()];
      for (int i = 0; i < operations.length; i++) {
        Operation o = rule.to().get(i).operation();
        operations[i] = o == null ? RequestMatcher.ALWAYS : operation(o, at + ".to[" + i + "].operation");
      }
      parts.add(RequestMatcher.anyOf(operations));
    }
    for (int i = 0; i < rule.when().size(); i++) {
      parts.add(condition(rule.when().get(i), at + ".when[" + i + "]"));
    }
    return RequestMatcher.allOf(parts.toArray(new RequestMatcher[0]));
  }

  private RequestMatcher source(Source s, String at) {
    List<RequestMatcher> fields = new ArrayList<>();
    if (!s.requestPrincipals().isEmpty() || !s.notRequestPrincipals().isEmpty()) {
      throw unsupported(at + ".requestPrincipals", "JWT authentication is not supported yet");
    }
    field(fields, s.principals(), s.notPrincipals(), v -> principal(v));
    field(fields, s.namespaces(), s.notNamespaces(), v -> namespace(v));
    field(fields, s.serviceAccounts(), s.notServiceAccounts(), v -> serviceAccount(v));
    field(fields, s.ipBlocks(), s.notIpBlocks(), v -> sourceIp(Cidr.parse(v, at + ".ipBlocks")));
    field(fields, s.remoteIpBlocks(), s.notRemoteIpBlocks(), v -> remoteIp(Cidr.parse(v, at + ".remoteIpBlocks")));
    return RequestMatcher.allOf(fields.toArray(new RequestMatcher[0]));
  }

  private RequestMatcher operation(Operation o, String at) {
    List<RequestMatcher> fields = new ArrayList<>();
    field(fields, o.hosts(), o.notHosts(), v -> {
      IstioString m = IstioString.of(v, true, true);
      return r -> m.matches(r.host());
    });
    field(fields, o.ports(), o.notPorts(), v -> destinationPort(port(v, at + ".ports")));
    field(fields, o.methods(), o.notMethods(), v -> {
      IstioString m = IstioString.of(v, false, true);
      return r -> m.matches(r.method());
    });
    field(fields, o.paths(), o.notPaths(), v -> path(v));
    return RequestMatcher.allOf(fields.toArray(new RequestMatcher[0]));
  }

  private RequestMatcher condition(Condition c, String at) {
    String key = c.key() == null ? "" : c.key();
    Function<String, RequestMatcher> value;
    if (key.startsWith("request.headers[") && key.endsWith("]") && key.length() > "request.headers[]".length()) {
      String name = key.substring("request.headers[".length(), key.length() - 1).toLowerCase(Locale.ROOT);
      value = v -> {
        IstioString m = IstioString.of(v, false, true);
        return r -> m.matches(r.headers().get(name));
      };
    } else {
      value = switch (key) {
        case "source.ip" -> v -> sourceIp(Cidr.parse(v, at + ".values"));
        case "remote.ip" -> v -> remoteIp(Cidr.parse(v, at + ".values"));
        case "destination.ip" -> v -> {
          Cidr cidr = Cidr.parse(v, at + ".values");
          return r -> r.connection().destinationIp() != null && cidr.contains(r.connection().destinationIp());
        };
        case "destination.port" -> v -> destinationPort(port(v, at + ".values"));
        case "source.principal" -> this::principal;
        case "source.namespace" -> this::namespace;
        case "source.serviceAccount" -> this::serviceAccount;
        case "connection.sni" -> v -> {
          IstioString m = IstioString.of(v, false, false);
          return r -> m.matches(r.connection().sni());
        };
        default -> throw unsupported(at + ".key", key.startsWith("request.auth.")
            ? "JWT authentication is not supported yet (" + key + " is read from the request's JWT)"
            : "attribute \"" + key + "\" is not supported by Meshlet (expected: request.headers[name], source.ip,"
                + " remote.ip, source.namespace, source.principal, source.serviceAccount, destination.ip,"
                + " destination.port or connection.sni)");
      };
    }
    List<RequestMatcher> fields = new ArrayList<>();
    field(fields, c.values(), c.notValues(), value);
    return RequestMatcher.allOf(fields.toArray(new RequestMatcher[0]));
  }

  private static void field(List<RequestMatcher> out, List<String> values, List<String> notValues,
      Function<String, RequestMatcher> matcher) {
    if (!values.isEmpty()) {
      out.add(RequestMatcher.anyOf(values.stream().map(matcher).toArray(RequestMatcher[]::new)));
    }
    if (!notValues.isEmpty()) {
      out.add(RequestMatcher.anyOf(notValues.stream().map(matcher).toArray(RequestMatcher[]::new)).negate());
    }
  }

  /** Istio matches principals with a non-empty {@code *}, as the SPIFFE URI with or without scheme. */
  private RequestMatcher principal(String value) {
    String v = value.startsWith("spiffe://") ? value.substring("spiffe://".length()) : value;
    IstioString m = IstioString.of(v, false, false);
    return r -> m.matches(r.connection().source().principal());
  }

  private RequestMatcher namespace(String value) {
    IstioString m = IstioString.of(value, false, false);
    return r -> m.matches(r.connection().source().namespace());
  }

  /** {@code ns/name}, or {@code name} in the policy's own namespace; no wildcards (Istio's rule). */
  private RequestMatcher serviceAccount(String value) {
    int slash = value.indexOf('/');
    String ns = slash < 0 ? policyNamespace : value.substring(0, slash);
    String sa = slash < 0 ? value : value.substring(slash + 1);
    return r -> {
      SourceIdentity s = r.connection().source();
      return ns.equals(s.namespace()) && sa.equals(s.serviceAccount());
    };
  }

  private static RequestMatcher sourceIp(Cidr cidr) {
    return r -> r.connection().sourceIp() != null && cidr.contains(r.connection().sourceIp());
  }

  private static RequestMatcher remoteIp(Cidr cidr) {
    return r -> r.remoteIp() != null && cidr.contains(r.remoteIp());
  }

  private static RequestMatcher destinationPort(int port) {
    return r -> r.connection().destinationPort() == port;
  }

  private static RequestMatcher path(String value) {
    if (PathTemplate.isTemplate(value)) {
      PathTemplate t = PathTemplate.compile(value);
      return r -> t.matches(r.path());
    }
    IstioString m = IstioString.of(value, false, false);
    return r -> m.matches(r.path());
  }

  private int port(String value, String at) {
    try {
      int port = Integer.parseInt(value);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(at + ": bad port \"" + value
        + "\" (expected: 1..65535)");
  }

  private IllegalArgumentException unsupported(String at, String why) {
    return new IllegalArgumentException(at + ": " + why);
  }

}
