package dev.meshlet.discovery.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshlet.core.protocol.ProtocolJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default store: one data directory holding a snapshot ({@code store.snapshot}) and an
 * append-only log of the changes after it ({@code store.log}).
 *
 * <p>Each change is one line, {@code CRC32 JSON\n}, written and forced to disk before
 * {@link #commit} returns. Commits are grouped: a writer appends its line under the store's lock
 * (which fixes its version) and then waits for a force that covers its line; whichever waiter
 * forces first forces for every line appended so far, so N writers arriving together cost one
 * fsync, not N. {@link #state()} only ever shows forced changes. A kill -9 can leave at most the last line torn: on open, a last line
 * that is incomplete or fails its checksum is cut off, so the store comes back with the state
 * before that change (which no writer was told had succeeded) or after it, never a mix. A bad
 * line followed by good ones is not a torn write but damage, and opening fails with where it is.
 *
 * <p>Every {@link #COMPACT_EVERY} changes the whole state is written to a new snapshot (temporary
 * file, forced, then renamed over the old one) and the log starts afresh; log lines at or below
 * the snapshot's version are skipped, so a crash between the two steps loses nothing.
 */
public final class EmbeddedStore implements DiscoveryStore {
  static final int COMPACT_EVERY = 1_000;
  static final String LOG = "store.log";
  static final String SNAPSHOT = "store.snapshot";

  private static final Logger log = LoggerFactory.getLogger(EmbeddedStore.class);
  private static final ObjectMapper JSON = ProtocolJson.mapper();

  private final Path dir;
  // Versions count in this process's history only: no other server shares them.
  private final String id = "embedded-" + java.util.UUID.randomUUID();
  private final FileChannel logChannel;
  /** The durable state: everything in it is forced. */
  private volatile StoreState state;
  // Guarded by this: the state including appended lines not yet forced, and the count of log bytes
  // appended in this process (a logical offset that compaction does not reset).
  private StoreState appended;
  private long appendedBytes;
  private int linesSinceSnapshot;
  // Guarded by forceLock: how far appendedBytes is forced, and why forcing failed (then nothing
  // after it may be acknowledged: the page cache may or may not hold those lines, so the store
  // refuses further writes rather than guess, as databases do on a failed fsync).
  private final Object forceLock = new Object();
  private long forcedBytes;
  private IOException forceFailure;
  private long forces;

  private EmbeddedStore(Path dir, FileChannel logChannel, StoreState state, int lines) {
    this.dir = dir;
    this.logChannel = logChannel;
    this.state = state;
    this.appended = state;
    this.linesSinceSnapshot = lines;
  }

  /** Opens (creating when needed) the store in {@code dir}, recovering what the last run committed. */
  public static EmbeddedStore open(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.deleteIfExists(dir.resolve(SNAPSHOT + ".tmp")); // a snapshot that never got renamed in
    StoreState state = StoreState.EMPTY;
    Path snapshot = dir.resolve(SNAPSHOT);
    if (Files.exists(snapshot)) {
      try {
        state = StoreCodec.snapshot(JSON.readTree(Files.readAllBytes(snapshot)));
      } catch (IOException e) {
        throw new IOException(snapshot + ": cannot read the store snapshot: " + e.getMessage(), e);
      }
    }
    Path logFile = dir.resolve(LOG);
    FileChannel channel = FileChannel.open(logFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      Replay replay = replay(logFile, channel, state);
      if (replay.goodBytes < channel.size()) {
        log.warn("{}: cutting a torn last record ({} bytes at offset {}) left by an interrupted write",
            logFile, channel.size() - replay.goodBytes, replay.goodBytes);
        channel.truncate(replay.goodBytes);
        channel.force(true);
      }
      channel.position(replay.goodBytes);
      log.info("store {}: version {}, {} resources, {} registrations", dir, replay.state.version(),
          replay.state.config().size(), replay.state.registrations().size());
      return new EmbeddedStore(dir, channel, replay.state, replay.lines);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private record Replay(StoreState state, long goodBytes, int lines) {}

  private static Replay replay(Path logFile, FileChannel channel, StoreState state) throws IOException {
    byte[] bytes = Files.readAllBytes(logFile);
    long good = 0;
    int lines = 0;
    int start = 0;
    int lineNo = 0;
    String tornReason = null;
    while (start < bytes.length) {
      lineNo++;
      int end = indexOf(bytes, (byte) '\n', start);
      if (end < 0) {
        tornReason = "no newline";
        break;
      }
      String line = new String(bytes, start, end - start, StandardCharsets.UTF_8);
      JsonNode record = parse(line);
      if (record == null) {
        tornReason = "checksum";
        break;
      }
      long v = record.path("v").asLong();
      if (v > state.version()) {
        if (v != state.version() + 1) {
          throw new IOException(logFile + ": line " + lineNo + ": version " + v + " (expected: " + (state.version() + 1) + ")");
        }
        state = state.apply(StoreCodec.change(record), v);
      }
      lines++;
      start = end + 1;
      good = start;
    }
    if (tornReason != null) {
      // Only the last record may be torn; a good record after a bad one means damage, not a crash.
      int next = indexOf(bytes, (byte) '\n', start);
      if (next >= 0 && next + 1 < bytes.length) {
        throw new IOException(logFile + ": line " + lineNo + " (offset " + start + ") is damaged ("
            + tornReason + ") and more records follow it; refusing to guess (restore the data directory or"
            + " remove the log from that offset to accept losing those changes)");
      }
    }
    return new Replay(state, good, lines);
  }

  private static int indexOf(byte[] b, byte c, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }

  /** The record of one line, or null when the line is torn or its checksum does not match. */
  private static JsonNode parse(String line) {
    int space = line.indexOf(' ');
    if (space != 8) {
      return null;
    }
    String json = line.substring(9);
    CRC32 crc = new CRC32();
    crc.update(json.getBytes(StandardCharsets.UTF_8));
    try {
      if (Long.parseLong(line.substring(0, 8), 16) != crc.getValue()) {
        return null;
      }
      return JSON.readTree(json);
    } catch (NumberFormatException | IOException e) {
      return null;
    }
  }

  static String line(String json) {
    CRC32 crc = new CRC32();
    crc.update(json.getBytes(StandardCharsets.UTF_8));
    return String.format("%08x %s%n", crc.getValue(), json);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public StoreState state() {
    return state;
  }

  @Override
  public StoreState commit(Change change) throws IOException {
    StoreState next;
    long end;
    synchronized (this) {
      if (!logChannel.isOpen()) {
        throw new IOException("store " + dir + " is closed");
      }
      long v = appended.version() + 1;
      next = appended.apply(change, v);
      String json = JSON.writeValueAsString(StoreCodec.change(v, change));
      ByteBuffer buf = ByteBuffer.wrap(line(json).getBytes(StandardCharsets.UTF_8));
      int size = buf.remaining();
      long before = logChannel.position();
      try {
        while (buf.hasRemaining()) {
          logChannel.write(buf);
        }
      } catch (IOException e) {
        // Take back a half-written line so the next commit does not follow garbage.
        try {
          logChannel.truncate(before);
          logChannel.position(before);
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw new IOException("store " + dir + ": cannot write version " + v + ": " + e.getMessage(), e);
      }
      appended = next;
      appendedBytes += size;
      end = appendedBytes;
      linesSinceSnapshot++;
    }
    awaitForced(end, next.version());
    return next;
  }

  /**
   * Returns once the log is forced up to logical offset {@code end}: either another writer's force
   * covered it while this one waited for the lock, or this one forces everything appended so far.
   */
  private void awaitForced(long end, long version) throws IOException {
    synchronized (forceLock) {
      if (forcedBytes >= end) {
        return;
      }
      if (forceFailure != null) {
        throw new IOException("store " + dir + ": version " + version + " is not known to be on disk: "
            + forceFailure.getMessage(), forceFailure);
      }
      long target;
      StoreState covered;
      boolean compact;
      synchronized (this) {
        target = appendedBytes;
        covered = appended;
        compact = linesSinceSnapshot >= COMPACT_EVERY;
      }
      try {
        logChannel.force(false);
      } catch (IOException e) {
        forceFailure = e;
        throw new IOException("store " + dir + ": cannot force the log for version " + version
            + " (no further writes are taken; restart to recover what is on disk): " + e.getMessage(), e);
      }
      forces++;
      forcedBytes = target;
      state = covered;
      if (compact) {
        compact();
      }
    }
  }

  /** How many times commits forced the log (a group of commits forces once). */
  long forces() {
    synchronized (forceLock) {
      return forces;
    }
  }

  /** Writes the whole state as the new snapshot and empties the log. */
  void compact() throws IOException {
    synchronized (forceLock) {
      synchronized (this) {
        // The snapshot takes in lines appended but not yet forced too; it is forced before the log
        // is emptied, so they are durable once it is renamed in.
        StoreState s = appended;
        Path tmp = dir.resolve(SNAPSHOT + ".tmp");
        byte[] bytes = JSON.writeValueAsBytes(StoreCodec.snapshot(s));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
          ByteBuffer buf = ByteBuffer.wrap(bytes);
          while (buf.hasRemaining()) {
            ch.write(buf);
          }
          ch.force(true);
        }
        try {
          Files.move(tmp, dir.resolve(SNAPSHOT), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          throw new IOException(dir + " does not support atomic rename, which the store needs", e);
        }
        forceDirectory(dir);
        logChannel.truncate(0);
        logChannel.position(0);
        logChannel.force(true);
        linesSinceSnapshot = 0;
        forcedBytes = appendedBytes;
        state = s;
      }
    }
  }

  private static void forceDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some file systems cannot sync a directory; the rename is still atomic there.
      log.debug("cannot sync directory {}: {}", dir, e.toString());
    }
  }

  @Override
  public synchronized void close() throws IOException {
    logChannel.close();
  }
}
