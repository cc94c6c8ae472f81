package dev.meshlet.core.protocol;

import dev.meshlet.core.config.ObjectMeta;
import dev.meshlet.core.registry.WorkloadInstance;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What an agent sends to register its workload ({@code POST /v1/registrations}); the server
 * answers with a {@link LeaseGrant}.
 *
 * @param name the instance's name as status shows it (a host or pod name); the server makes one
 *     from the service and the lease when it is empty
 * @param service the service name, {@code reviews}
 * @param namespace the namespace, {@code default} when empty
 * @param address the address the workload listens on
 * @param ports named ports, {@code http} to 9080
 * @param labels the workload's labels ({@code app}, {@code version})
 * @param serviceAccount the service account; the service name when empty. The bootstrap token
 *     must be bound to it
 * @param locality {@code region/zone/subzone}, or null
 */
public record Registration(
    @Nullable String name,
    String service,
    @Nullable String namespace,
    String address,
    Map<String, Integer> ports,
    Map<String, String> labels,
    @Nullable String serviceAccount,
    @Nullable String locality) {

  public Registration {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(address, "address");
    ports = ports == null ? Map.of() : Map.copyOf(ports);
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  /** The namespace, {@value ObjectMeta#DEFAULT_NAMESPACE} when none is given. */
  public String namespaceOrDefault() {
    return namespace == null || namespace.isEmpty() ? ObjectMeta.DEFAULT_NAMESPACE : namespace;
  }

  /** The service account, the service name when none is given (Meshlet's default). */
  public String serviceAccountOrDefault() {
    return serviceAccount == null || serviceAccount.isEmpty() ? service : serviceAccount;
  }

  /** The registry entry this registration makes. */
  public WorkloadInstance toWorkload() {
    return new WorkloadInstance(service, namespaceOrDefault(), address, ports, labels, serviceAccountOrDefault(), locality);
  }
}
