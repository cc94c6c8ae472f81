package dev.meshlet.agent.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshlet.tls.pki.Pem;
import dev.meshlet.tls.workload.CertificateSnapshot;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The {@code /certs} JSON: the workload's SPIFFE ID, its chain (each certificate's subject,
 * serial, validity and SANs, and the whole chain in PEM), time to expiry, and the trust bundle.
 * The private key is never shown.
 */
final class CertsView {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private CertsView() {}

  static ObjectNode json(String identity, @Nullable CertificateSnapshot current, Clock clock) {
    ObjectNode root = NODES.objectNode();
    root.put("identity", identity);
    root.put("mtls", current != null);
    if (current == null) {
      root.put("note", "mTLS is off: no workload certificate (Mesh.builder(...).mtls(true), caDirectory or certificateSigner)");
      root.putArray("chain");
      return root;
    }
    X509Certificate leaf = current.certificate();
    Instant now = clock.instant();
    root.put("spiffeId", current.spiffeId().toString());
    root.put("serialNumber", leaf.getSerialNumber().toString(16));
    root.put("notBefore", leaf.getNotBefore().toInstant().toString());
    root.put("notAfter", leaf.getNotAfter().toInstant().toString());
    Duration left = Duration.between(now, current.expiresAt());
    root.put("secondsUntilExpiration", Math.max(0, left.toSeconds()));
    root.put("daysUntilExpiration", Math.max(0, left.toDays()));
    root.put("rotateAt", current.rotateAt().toString());
    root.put("generation", current.generation());
    ArrayNode chain = root.putArray("chain");
    for (X509Certificate c : current.chain()) {
      chain.add(certificate(c));
    }
    root.put("chainPem", Pem.certificates(current.chain()));
    ObjectNode bundle = root.putObject("trustBundle");
    bundle.put("trustDomain", current.trustBundle().trustDomain().toString());
    ArrayNode roots = bundle.putArray("roots");
    for (X509Certificate r : current.trustBundle().roots()) {
      roots.add(certificate(r));
    }
    bundle.put("pem", current.trustBundle().toPem());
    return root;
  }

  private static ObjectNode certificate(X509Certificate c) {
    ObjectNode node = NODES.objectNode();
    node.put("subject", c.getSubjectX500Principal().getName());
    node.put("issuer", c.getIssuerX500Principal().getName());
    node.put("serialNumber", c.getSerialNumber().toString(16));
    node.put("notBefore", c.getNotBefore().toInstant().toString());
    node.put("notAfter", c.getNotAfter().toInstant().toString());
    ArrayNode sans = node.putArray("subjectAltNames");
    try {
      Collection<List<?>> names = c.getSubjectAlternativeNames();
      if (names != null) {
        for (List<?> name : names) {
          if (name.size() >= 2) {
            sans.add(String.valueOf(name.get(1)));
          }
        }
      }
    } catch (CertificateParsingException e) {
      sans.add("(unreadable: " + e.getMessage() + ")");
    }
    return node;
  }
}
