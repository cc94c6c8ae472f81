package dev.meshlet.discovery.push;

import org.jspecify.annotations.Nullable;

/** One open watch stream, as the push side sees it: lines go out, and it can be closed. */
public interface EventSink {
  /**
   * Queues one line (one JSON event and its newline, UTF-8) without blocking. The bytes are
   * shared between the streams of agents that get the same event: never modify them.
   *
   * @return false when the stream is closed or too far behind; the hub then drops it
   */
  boolean send(byte[] line);

  /** Ends the stream; {@code reason} is logged, or null for a normal end. */
  void close(@Nullable String reason);
}
