package dev.meshlet.core.config.source;

import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.ResourceReport;
import dev.meshlet.core.config.codec.ConfigFiles;
import dev.meshlet.core.config.codec.ConfigReader;
import dev.meshlet.core.config.snapshot.ConfigSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Config from a directory of YAML and JSON files, watched and hot-reloaded. Each change reads
 * the whole directory again and applies it all or nothing: a change that does not validate is
 * refused whole, its errors are logged, and the last good snapshot stays in force. Listeners
 * only ever see good snapshots. Deleting a file removes its resources.
 *
 * <p>One serialized executor does all the reading and publishing, so listeners are called one
 * snapshot at a time, in version order.
 */
public final class DirectoryConfigSource implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DirectoryConfigSource.class);

  /** How long to wait for a burst of file events (an editor's save) to settle before reading. */
  public static final Duration DEFAULT_SETTLE = Duration.ofMillis(100);

  private final Path directory;
  private final boolean recursive;
  private final Duration settle;
  private final List<ConfigListener> listeners = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService executor;
  private final ExecutorService watcherThread;
  private volatile ConfigSnapshot current = ConfigSnapshot.empty();
  private volatile List<ResourceReport> lastRejection = List.of();
  private @Nullable WatchService watcher;
  private @Nullable ScheduledFuture<?> pending;
  private long nextVersion = 1;

  private DirectoryConfigSource(Path directory, boolean recursive, Duration settle) {
    this.directory = directory;
    this.recursive = recursive;
    this.settle = settle;
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "meshlet-config-" + directory.getFileName()));
    this.watcherThread = Executors.newSingleThreadExecutor(r -> daemon(r, "meshlet-config-watch-" + directory.getFileName()));
  }

  /** A source for {@code directory} (its files only, not the directories below). */
  public static DirectoryConfigSource of(Path directory) {
    return new DirectoryConfigSource(directory, false, DEFAULT_SETTLE);
  }

  /** A source for {@code directory}, optionally with the directories below, settling events for {@code settle}. */
  public static DirectoryConfigSource of(Path directory, boolean recursive, Duration settle) {
    return new DirectoryConfigSource(directory, recursive, settle);
  }

  public DirectoryConfigSource addListener(ConfigListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /**
   * Loads the directory once (synchronously, so the caller starts with config in force or knows
   * why not) and starts watching it.
   *
   * @return the snapshot in force after the first load
   */
  public ConfigSnapshot start() {
    if (!Files.isDirectory(directory)) {
      throw new IllegalArgumentException("config directory " + directory + " does not exist or is not a directory");
    }
    try {
      WatchService ws = FileSystems.getDefault().newWatchService();
      watcher = ws;
      register(ws, directory);
      watcherThread.execute(() -> watch(ws));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot watch " + directory + ": " + e.getMessage(), e);
    }
    return reload();
  }

  /** Reads the directory now and applies it if it is good; returns the snapshot in force after. */
  public ConfigSnapshot reload() {
    try {
      return executor.submit(this::load).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return current;
    } catch (java.util.concurrent.ExecutionException e) {
      log.error("config reload of {} failed", directory, e.getCause());
      return current;
    }
  }

  /** The last good snapshot. */
  public ConfigSnapshot current() {
    return current;
  }

  /** The reports of the last refused change (empty when the last change was applied). */
  public List<ResourceReport> lastRejection() {
    return lastRejection;
  }

  private ConfigSnapshot load() {
    List<ResourceReport> reports = new ArrayList<>();
    for (Path file : ConfigFiles.in(directory, recursive)) {
      reports.addAll(ConfigReader.read(file));
    }
    ConfigBatch batch = ConfigBatch.of(reports);
    if (!batch.valid()) {
      lastRejection = batch.invalid();
      for (ResourceReport r : lastRejection) {
        r.lines().forEach(line -> log.error("config refused, keeping version {}: {}", current.version(), line));
      }
      listeners.forEach(l -> safely(() -> l.onRejected(lastRejection)));
      return current;
    }
    lastRejection = List.of();
    batch.reports().forEach(r -> r.lines().forEach(log::warn));
    List<Resource<?>> resources = batch.resources();
    if (current.version() > 0 && new HashSet<>(current.resources()).equals(new HashSet<>(resources))) {
      return current; // nothing changed that matters (a comment, a reordering)
    }
    ConfigSnapshot next = ConfigSnapshot.of(nextVersion++, resources);
    current = next;
    log.info("config from {} applied: version {}, {} resources", directory, next.version(), next.size());
    listeners.forEach(l -> safely(() -> l.onSnapshot(next)));
    return next;
  }

  private void watch(WatchService ws) {
    try {
      while (true) {
        WatchKey key = ws.take();
        key.pollEvents();
        if (recursive) {
          registerNewDirectories(ws);
        }
        key.reset();
        scheduleReload();
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // closing
    }
  }

  private synchronized void scheduleReload() {
    if (pending != null) {
      pending.cancel(false);
    }
    pending = executor.schedule(this::load, settle.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void register(WatchService ws, Path dir) throws IOException {
    dir.register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
        StandardWatchEventKinds.ENTRY_MODIFY);
    if (recursive) {
      try (var children = Files.list(dir)) {
        for (Path child : children.filter(Files::isDirectory).toList()) {
          register(ws, child);
        }
      }
    }
  }

  private void registerNewDirectories(WatchService ws) {
    try {
      register(ws, directory); // registering twice returns the same key: harmless
    } catch (IOException e) {
      log.warn("cannot watch new directories under {}: {}", directory, e.getMessage());
    }
  }

  private static void safely(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      log.error("config listener failed", e);
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  @Override
  public void close() {
    try {
      if (watcher != null) {
        watcher.close();
      }
    } catch (IOException e) {
      log.debug("closing watcher", e);
    }
    watcherThread.shutdownNow();
    executor.shutdownNow();
  }
}
