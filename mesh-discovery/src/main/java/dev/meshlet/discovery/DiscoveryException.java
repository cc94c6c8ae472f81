package dev.meshlet.discovery;

/**
 * A request the server refuses, with the HTTP status it answers and a message that says what
 * was wrong and what was expected.
 */
public final class DiscoveryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  public DiscoveryException(int status, String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }

  public static DiscoveryException badRequest(String message) {
    return new DiscoveryException(400, message);
  }

  public static DiscoveryException forbidden(String message) {
    return new DiscoveryException(403, message);
  }

  public static DiscoveryException notFound(String message) {
    return new DiscoveryException(404, message);
  }
}
