package dev.meshlet.agent;

import java.io.IOException;

/**
 * A call was made before the mesh had its config (and, with mTLS, its certificate), and the mesh
 * did not become ready within the startup wait; or the mesh is closed. An {@link IOException},
 * so OkHttp hands it to the caller as it would a network failure. The message says what the
 * mesh still waits for.
 */
public final class MeshNotReadyException extends IOException {
  public MeshNotReadyException(String message) {
    super(message);
  }
}
