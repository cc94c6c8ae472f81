package dev.meshlet.agent.server;

/** How a request reached the server, as Istio's {@code connection_security_policy} label says it. */
public enum ConnectionSecurity {
  /** Over mutual TLS with a verified mesh peer. */
  MUTUAL_TLS("mutual_tls"),
  /** In plaintext (or over TLS without a verified mesh identity). */
  NONE("none");

  private final String label;

  ConnectionSecurity(String label) {
    this.label = label;
  }

  /** The value of Istio's {@code connection_security_policy} label. */
  public String label() {
    return label;
  }
}
