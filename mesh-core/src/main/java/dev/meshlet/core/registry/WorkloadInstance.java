package dev.meshlet.core.registry;

import dev.meshlet.core.config.Hosts;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One running instance of a service, as it registers with the mesh (or as a WorkloadEntry
 * declares it): the service it serves, where it listens, its labels and its identity.
 *
 * @param service the service name ({@code reviews})
 * @param namespace the namespace, {@code default} when none is given
 * @param address the IP address or host name it listens on
 * @param ports named ports ({@code http} to 9080)
 * @param labels its labels ({@code app}, {@code version}, ...); subsets select on them
 * @param serviceAccount the service account its certificate names
 * @param locality {@code region/zone/subzone}, or null
 */
public record WorkloadInstance(
    String service,
    String namespace,
    String address,
    Map<String, Integer> ports,
    Map<String, String> labels,
    String serviceAccount,
    @Nullable String locality) {

  public WorkloadInstance {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(address, "address");
    ports = ports == null ? Map.of() : Map.copyOf(ports);
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    serviceAccount = serviceAccount == null || serviceAccount.isEmpty() ? service : serviceAccount;
  }

  /** The service's FQDN, {@code reviews.default.svc.cluster.local}. */
  public String host() {
    return Hosts.fqdn(service, namespace);
  }

  /** Whether this instance carries every label of {@code selector} (an empty selector matches all). */
  public boolean matches(Map<String, String> selector) {
    return labels.entrySet().containsAll(selector.entrySet());
  }
}
