package dev.meshlet.core.protocol;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Reads the watch stream's events one line at a time. An event counts only when its line ends
 * with a newline: a stream cut in the middle of one fails with an {@link EOFException} instead of
 * handing over half an event, and the agent resumes with {@code since=} the last version it
 * applied, so nothing is lost.
 */
public final class WatchEventReader implements Closeable {
  /** An event line longer than this is refused rather than buffered without end. */
  public static final int MAX_EVENT_BYTES = 64 * 1024 * 1024;

  private final InputStream in;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private long events;

  public WatchEventReader(InputStream in) {
    this.in = in;
  }

  /**
   * The next event, or null when the stream ended cleanly between events.
   *
   * @throws EOFException when the stream ended inside an event
   * @throws IOException when the stream fails or a line is not an event
   */
  public @Nullable WatchEvent next() throws IOException {
    line.reset();
    while (true) {
      int b = in.read();
      if (b < 0) {
        if (line.size() == 0) {
          return null;
        }
        throw new EOFException("watch stream ended in the middle of event " + (events + 1) + " (" + line.size()
            + " bytes without a newline); resume with since=the last version applied");
      }
      if (b == '\n') {
        if (line.size() == 0) {
          continue; // tolerate blank lines
        }
        events++;
        String text = line.toString(StandardCharsets.UTF_8);
        try {
          return ProtocolJson.read(text, WatchEvent.class);
        } catch (IllegalArgumentException e) {
          throw new IOException("watch event " + events + " is not an event: " + e.getMessage(), e);
        }
      }
      if (line.size() >= MAX_EVENT_BYTES) {
        throw new IOException("watch event " + (events + 1) + " is over " + MAX_EVENT_BYTES + " bytes");
      }
      line.write(b);
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
