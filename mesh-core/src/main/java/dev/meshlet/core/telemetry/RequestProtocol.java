package dev.meshlet.core.telemetry;

/** Istio's {@code request_protocol} label: {@code http} or {@code grpc}. */
public enum RequestProtocol {
  HTTP("http"),
  GRPC("grpc");

  private final String label;

  RequestProtocol(String label) {
    this.label = label;
  }

  /** The label value as Istio writes it. */
  public String label() {
    return label;
  }
}
