package dev.meshlet.discovery.auth;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a secret (a token, a private key) to a file whole or not at all: into a temporary file
 * only its owner can read (where the file system has POSIX permissions), forced to disk, then
 * moved into place atomically, so a crash or a reader never sees half a secret.
 */
public final class SecretFiles {
  private SecretFiles() {}

  /**
   * Writes {@code bytes} to {@code file}. With {@code replace} false an existing file is kept
   * (another process won the race) and this returns false. (The code this replaced meant to do
   * the same with an atomic rename, which on Linux replaced the file instead.)
   */
  public static boolean write(Path file, byte[] bytes, boolean replace) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    try {
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(tmp); // no POSIX permissions on this file system
    }
    Files.write(tmp, bytes);
    try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
    if (replace) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return true;
    }
    // An atomic rename replaces an existing file on POSIX; a hard link fails instead, atomically.
    try {
      Files.createLink(file, tmp);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (UnsupportedOperationException e) {
      try {
        Files.move(tmp, file); // no hard links here: refuses an existing file, not atomically
        return true;
      } catch (FileAlreadyExistsException exists) {
        return false;
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
