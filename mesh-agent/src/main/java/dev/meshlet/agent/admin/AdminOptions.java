package dev.meshlet.agent.admin;

import java.util.Objects;

/**
 * Where the admin endpoint listens. Loopback by default, as Envoy's admin: it shows the config and
 * the certificate chain and changes log levels, so it is not for the network. Port 0 takes a free
 * port; {@code Mesh.adminAddress()} tells which.
 *
 * @param address the address to bind ({@code 127.0.0.1} by default; {@code 0.0.0.0} for every interface)
 * @param port 0..65535
 */
public record AdminOptions(String address, int port) {
  /** Istio's admin port of Envoy. */
  public static final int ISTIO_ADMIN_PORT = 15000;
  public static final String DEFAULT_ADDRESS = "127.0.0.1";

  public AdminOptions {
    Objects.requireNonNull(address, "address");
    if (address.isBlank()) {
      throw new IllegalArgumentException("admin address: blank (expected: an IP address or host name)");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("admin port: " + port + " (expected: 0..65535, 0 for any free port)");
    }
  }

  /** On loopback at {@code port} (0: any free port). */
  public static AdminOptions loopback(int port) {
    return new AdminOptions(DEFAULT_ADDRESS, port);
  }
}
