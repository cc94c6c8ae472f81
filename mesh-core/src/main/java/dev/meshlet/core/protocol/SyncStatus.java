package dev.meshlet.core.protocol;

/** Where an agent stands with what the server sent it, as {@code istioctl proxy-status} shows. */
public enum SyncStatus {
  /** The agent acknowledged the last version sent to it. */
  SYNCED,
  /** A version was sent and not yet acknowledged, or the agent's stream is not connected. */
  STALE,
  /** The agent refused the last version sent; it runs the last one it acknowledged. */
  NACKED
}
