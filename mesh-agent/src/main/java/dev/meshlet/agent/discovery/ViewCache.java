package dev.meshlet.agent.discovery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshlet.core.protocol.Endpoint;
import dev.meshlet.core.protocol.ProtocolJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last acknowledged view on disk, one JSON file per workload identity. Written to a temporary
 * file, forced to disk, then renamed over the old one atomically (and the directory forced), so a
 * crash at any moment leaves either the old view or the new one, never part of either.
 */
final class ViewCache {
  private static final Logger log = LoggerFactory.getLogger(ViewCache.class);

  /** What the file holds: whose view it is, and the view as the server sent it. */
  record Stored(String service, String namespace, long version, String savedAt, List<ObjectNode> resources, List<Endpoint> endpoints) {
    Stored {
      resources = resources == null ? List.of() : List.copyOf(resources);
      endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    }
  }

  private final Path file;
  private final String service;
  private final String namespace;

  ViewCache(Path directory, String service, String namespace) {
    this.file = directory.resolve("central-view-" + namespace + "-" + service + ".json");
    this.service = service;
    this.namespace = namespace;
  }

  Path file() {
    return file;
  }

  /** The stored view, or empty when there is none or it cannot be used (logged with why). */
  Optional<Stored> load() {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      log.warn("cannot read the cached discovery view {}: {}", file, e.toString());
      return Optional.empty();
    }
    Stored s;
    try {
      s = ProtocolJson.read(new String(bytes, StandardCharsets.UTF_8), Stored.class);
    } catch (IllegalArgumentException e) {
      log.warn("ignoring the cached discovery view {}: {}", file, e.getMessage());
      return Optional.empty();
    }
    if (!service.equals(s.service()) || !namespace.equals(s.namespace())) {
      log.warn("ignoring the cached discovery view {}: it belongs to {}/{} (expected: {}/{})", file, s.namespace(), s.service(),
          namespace, service);
      return Optional.empty();
    }
    return Optional.of(s);
  }

  /** Replaces the stored view atomically. */
  void store(long version, String savedAt, List<ObjectNode> resources, List<Endpoint> endpoints) throws IOException {
    byte[] bytes = ProtocolJson.write(new Stored(service, namespace, version, savedAt, resources, endpoints))
        .getBytes(StandardCharsets.UTF_8);
    Path dir = file.getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve(file.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot replace " + file + " atomically on this file system (expected: a local disk)", e);
    }
    forceDirectory(dir);
  }

  /** Makes the rename durable; not every platform lets a directory be opened, which is then left to the OS. */
  private static void forceDirectory(@Nullable Path dir) {
    if (dir == null) {
      return;
    }
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      log.debug("cannot force directory {}: {}", dir, e.toString());
    }
  }
}
