package dev.meshlet.discovery.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Makes, hashes and keeps the server's secrets: random tokens and the admin token file. */
public final class Tokens {
  /** The file in the data directory that holds the admin token (mode 0600). */
  public static final String ADMIN_TOKEN_FILE = "admin-token";

  private static final SecureRandom RANDOM = new SecureRandom();

  private Tokens() {}

  /** A new random token: a prefix that says what it is, and 256 random bits. */
  public static String newToken(String prefix) {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The SHA-256 of a token, in hex: what the store keeps instead of the token. */
  public static String sha256(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** Compares two secrets in time that does not depend on where they differ. */
  public static boolean same(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Reads the admin token in {@code dataDir}, or on first start writes a new one there that only
   * the owner can read.
   */
  public static String loadOrCreateAdminToken(Path dataDir) throws IOException {
    Path file = dataDir.resolve(ADMIN_TOKEN_FILE);
    if (!Files.exists(file)) {
      // Another process may win the race to create it: then its token is the one read below.
      SecretFiles.write(file, (newToken("mla_") + "\n").getBytes(StandardCharsets.UTF_8), false);
    }
    return readTokenFile(file);
  }

  /** The token in {@code file}: its first line, trimmed. */
  public static String readTokenFile(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8).trim();
    if (text.isEmpty()) {
      throw new IOException(file + " is empty (expected: a token)");
    }
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl).trim();
  }
}
