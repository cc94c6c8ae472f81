package dev.meshlet.core.config.security;

import dev.meshlet.core.config.Copies;
import java.util.List;

/**
 * Istio's AuthorizationPolicy {@code Operation}: what a request does. The fields are ANDed; the
 * values of one field are ORed; each {@code not} field excludes what it lists.
 *
 * @param hosts the request's host (authority), matched case-insensitively
 * @param ports destination ports, as strings of digits (Istio's type)
 * @param methods HTTP methods
 * @param paths request paths: exact, {@code prefix*}, {@code *suffix}, {@code *}, or Istio's path
 *     templates with {@code {*}} and {@code {**}}
 */
public record Operation(
    List<String> hosts,
    List<String> notHosts,
    List<String> ports,
    List<String> notPorts,
    List<String> methods,
    List<String> notMethods,
    List<String> paths,
    List<String> notPaths) {

  public Operation {
    hosts = Copies.list(hosts);
    notHosts = Copies.list(notHosts);
    ports = Copies.list(ports);
    notPorts = Copies.list(notPorts);
    methods = Copies.list(methods);
    notMethods = Copies.list(notMethods);
    paths = Copies.list(paths);
    notPaths = Copies.list(notPaths);
  }

  /** Whether no field is set (Istio rejects such an operation). */
  public boolean isEmpty() {
    return hosts.isEmpty() && notHosts.isEmpty() && ports.isEmpty() && notPorts.isEmpty()
        && methods.isEmpty() && notMethods.isEmpty() && paths.isEmpty() && notPaths.isEmpty();
  }
}
