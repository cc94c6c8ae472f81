package dev.meshlet.tls.ca;

import dev.meshlet.tls.pki.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Istio's cacerts layout: reading an operator's CA and persisting a self-signed one. */
final class CacertsFiles {

  static final String CA_CERT = "ca-cert.pem";
  static final String CA_KEY = "ca-key.pem";
  static final String ROOT_CERT = "root-cert.pem";
  static final String CERT_CHAIN = "cert-chain.pem";

  private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> PUBLIC_FILE = PosixFilePermissions.fromString("rw-r--r--");

  record Loaded(X509Certificate caCertificate, PrivateKey caKey, List<X509Certificate> roots,
      List<X509Certificate> certChain) {}

  private CacertsFiles() {}

  /** Whether {@code directory} holds a CA; fails when it holds part of one. */
  static boolean isPresent(Path directory) {
    int present = 0;
    for (String name : List.of(CA_CERT, CA_KEY, ROOT_CERT)) {
      if (Files.exists(directory.resolve(name))) {
        present++;
      }
    }
    if (present == 0) {
      return false;
    }
    if (present < 3) {
      throw new IllegalArgumentException("cacerts " + directory + ": incomplete CA (expected: " + CA_CERT
          + ", " + CA_KEY + " and " + ROOT_CERT + " all present, or none to make a new root)");
    }
    return true;
  }

  static Loaded read(Path directory) throws IOException {
    X509Certificate caCert = one(Pem.readCertificates(readFile(directory, CA_CERT, true), source(directory, CA_CERT)),
        directory, CA_CERT);
    PrivateKey caKey = Pem.readPrivateKey(readFile(directory, CA_KEY, true), source(directory, CA_KEY));
    List<X509Certificate> roots = Pem.readCertificates(readFile(directory, ROOT_CERT, true), source(directory, ROOT_CERT));
    String chainPem = readFile(directory, CERT_CHAIN, false);
    List<X509Certificate> chain = chainPem == null ? List.of() : Pem.readCertificates(chainPem, source(directory, CERT_CHAIN));
    return new Loaded(caCert, caKey, roots, chain);
  }

  /**
   * Writes a CA in the cacerts layout: the key first with owner-only permissions, ca-cert.pem
   * last, each file atomically, so a crash leaves either no CA or a whole one.
   */
  static void write(Path directory, PrivateKey key, List<X509Certificate> caChain, List<X509Certificate> roots)
      throws IOException {
    createDirectory(directory);
    writeAtomically(directory, CA_KEY, Pem.privateKey(key), OWNER_ONLY_FILE);
    writeAtomically(directory, ROOT_CERT, Pem.certificates(roots), PUBLIC_FILE);
    writeAtomically(directory, CERT_CHAIN, Pem.certificates(caChain), PUBLIC_FILE);
    writeAtomically(directory, CA_CERT, Pem.certificate(caChain.get(0)), PUBLIC_FILE);
  }

  private static void createDirectory(Path directory) throws IOException {
    if (Files.isDirectory(directory)) {
      return;
    }
    if (supportsPosix(directory.toAbsolutePath().getParent())) {
      Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
    } else {
      Files.createDirectories(directory);
    }
  }

  private static void writeAtomically(Path directory, String name, String content, Set<PosixFilePermission> mode)
      throws IOException {
    Path target = directory.resolve(name);
    Path temp = directory.resolve("." + name + ".tmp");
    Files.deleteIfExists(temp);
    if (supportsPosix(directory)) {
      // Created with its final mode, so the key is never readable by others, not even briefly.
      FileAttribute<Set<PosixFilePermission>> attr = PosixFilePermissions.asFileAttribute(mode);
      Files.createFile(temp, attr);
    } else {
      Files.createFile(temp);
    }
    Files.writeString(temp, content, StandardCharsets.US_ASCII);
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static boolean supportsPosix(@Nullable Path path) throws IOException {
    return path != null && Files.exists(path)
        && Files.getFileStore(path).supportsFileAttributeView("posix");
  }

  private static @Nullable String readFile(Path directory, String name, boolean required) throws IOException {
    Path file = directory.resolve(name);
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      if (required) {
        throw new IllegalArgumentException("cacerts " + directory + ": " + name + " is missing", e);
      }
      return null;
    } catch (java.nio.charset.MalformedInputException e) {
      throw new IllegalArgumentException("PEM " + file + ": not ASCII text (expected: PEM)", e);
    }
  }

  private static X509Certificate one(List<X509Certificate> certs, Path directory, String name) {
    if (certs.size() != 1) {
      throw new IllegalArgumentException("cacerts " + directory + ": " + name + " holds " + certs.size()
          + " certificates (expected: exactly one, the signing CA)");
    }
    return certs.get(0);
  }

  private static String source(Path directory, String name) {
    return directory.resolve(name).toString();
  }

}
