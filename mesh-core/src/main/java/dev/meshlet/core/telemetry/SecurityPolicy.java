package dev.meshlet.core.telemetry;

/**
 * Istio's {@code connection_security_policy} label. The server reports {@code mutual_tls} or
 * {@code none}; the client always reports {@code unknown}, as Istio's does.
 */
public enum SecurityPolicy {
  MUTUAL_TLS("mutual_tls"),
  NONE("none"),
  UNKNOWN("unknown");

  private final String label;

  SecurityPolicy(String label) {
    this.label = label;
  }

  /** The label value as Istio writes it. */
  public String label() {
    return label;
  }
}
