package dev.meshlet.core.config.security;

import dev.meshlet.core.config.Copies;
import java.util.List;

/**
 * Istio's AuthorizationPolicy {@code Source}: who a request comes from. The fields are ANDed; the
 * values of one field are ORed; each {@code not} field excludes what it lists. Values use Istio's
 * string matching: exact, {@code prefix*}, {@code *suffix} or {@code *} (present).
 *
 * @param principals peer identities from the mTLS certificate, {@code cluster.local/ns/NS/sa/SA}
 * @param requestPrincipals JWT identities {@code iss/sub}; need JWT authentication
 * @param namespaces namespaces of the peer identity
 * @param serviceAccounts service accounts as {@code namespace/name} (or {@code name}); no wildcards,
 *     and not together with principals or namespaces
 * @param ipBlocks source addresses, single IPs or CIDR ranges
 * @param remoteIpBlocks original client addresses (from X-Forwarded-For or the proxy protocol)
 */
public record Source(
    List<String> principals,
    List<String> notPrincipals,
    List<String> requestPrincipals,
    List<String> notRequestPrincipals,
    List<String> namespaces,
    List<String> notNamespaces,
    List<String> serviceAccounts,
    List<String> notServiceAccounts,
    List<String> ipBlocks,
    List<String> notIpBlocks,
    List<String> remoteIpBlocks,
    List<String> notRemoteIpBlocks) {

  public Source {
    principals = Copies.list(principals);
    notPrincipals = Copies.list(notPrincipals);
    requestPrincipals = Copies.list(requestPrincipals);
    notRequestPrincipals = Copies.list(notRequestPrincipals);
    namespaces = Copies.list(namespaces);
    notNamespaces = Copies.list(notNamespaces);
    serviceAccounts = Copies.list(serviceAccounts);
    notServiceAccounts = Copies.list(notServiceAccounts);
    ipBlocks = Copies.list(ipBlocks);
    notIpBlocks = Copies.list(notIpBlocks);
    remoteIpBlocks = Copies.list(remoteIpBlocks);
    notRemoteIpBlocks = Copies.list(notRemoteIpBlocks);
  }

  /** Whether no field is set (Istio rejects such a source). */
  public boolean isEmpty() {
    return principals.isEmpty() && notPrincipals.isEmpty()
        && requestPrincipals.isEmpty() && notRequestPrincipals.isEmpty()
        && namespaces.isEmpty() && notNamespaces.isEmpty()
        && serviceAccounts.isEmpty() && notServiceAccounts.isEmpty()
        && ipBlocks.isEmpty() && notIpBlocks.isEmpty()
        && remoteIpBlocks.isEmpty() && notRemoteIpBlocks.isEmpty();
  }
}
