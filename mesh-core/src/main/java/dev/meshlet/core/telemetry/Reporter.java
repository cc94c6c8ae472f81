package dev.meshlet.core.telemetry;

/** Which side of a call reports it: Istio's {@code reporter} label. */
public enum Reporter {
  /** The client (Istio's outbound sidecar). */
  SOURCE("source"),
  /** The server (Istio's inbound sidecar). */
  DESTINATION("destination");

  private final String label;

  Reporter(String label) {
    this.label = label;
  }

  /** The label value as Istio writes it. */
  public String label() {
    return label;
  }
}
