package dev.meshlet.tls.workload;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.jspecify.annotations.Nullable;

/**
 * A key manager that serves whatever credentials the current {@link KeyState} holds. Each
 * generation has its own alias, so the JDK (and anything that caches by alias) sees a rotation,
 * and the previous generation stays resolvable for handshakes that picked its alias just before
 * the swap.
 */
final class RotatingKeyManager extends X509ExtendedKeyManager {

  /** The current and previous credentials, swapped as one immutable value. */
  record KeyState(CertificateSnapshot current, @Nullable CertificateSnapshot previous) {

    @Nullable CertificateSnapshot find(@Nullable String alias) {
      if (alias == null) {
        return null;
      }
      if (alias.equals(current.alias())) {
        return current;
      }
      return previous != null && alias.equals(previous.alias()) ? previous : null;
    }
  }

  private final Supplier<KeyState> state;

  RotatingKeyManager(Supplier<KeyState> state) {
    this.state = state;
  }

  @Override
  public String @Nullable [] getClientAliases(@Nullable String keyType, Principal @Nullable [] issuers) {
    String alias = aliasFor(keyType);
    return alias == null ? null : new String[] {alias};
  }

  @Override
  public @Nullable String chooseClientAlias(String @Nullable [] keyTypes, Principal @Nullable [] issuers,
      @Nullable Socket socket) {
    return chooseClient(keyTypes);
  }

  @Override
  public @Nullable String chooseEngineClientAlias(String @Nullable [] keyTypes, Principal @Nullable [] issuers,
      @Nullable SSLEngine engine) {
    return chooseClient(keyTypes);
  }

  @Override
  public String @Nullable [] getServerAliases(@Nullable String keyType, Principal @Nullable [] issuers) {
    return getClientAliases(keyType, issuers);
  }

  @Override
  public @Nullable String chooseServerAlias(@Nullable String keyType, Principal @Nullable [] issuers,
      @Nullable Socket socket) {
    return aliasFor(keyType);
  }

  @Override
  public @Nullable String chooseEngineServerAlias(@Nullable String keyType, Principal @Nullable [] issuers,
      @Nullable SSLEngine engine) {
    return aliasFor(keyType);
  }

  @Override
  public X509Certificate @Nullable [] getCertificateChain(@Nullable String alias) {
    CertificateSnapshot snapshot = state.get().find(alias);
    return snapshot == null ? null : snapshot.chain().toArray(new X509Certificate[0]);
  }

  @Override
  public @Nullable PrivateKey getPrivateKey(@Nullable String alias) {
    CertificateSnapshot snapshot = state.get().find(alias);
    return snapshot == null ? null : snapshot.privateKey();
  }

  private @Nullable String chooseClient(String @Nullable [] keyTypes) {
    if (keyTypes == null) {
      return null;
    }
    for (String keyType : keyTypes) {
      String alias = aliasFor(keyType);
      if (alias != null) {
        return alias;
      }
    }
    return null;
  }

  /**
   * The current alias when its key fits {@code keyType}: the JDK asks for "EC" or "RSA" (TLS 1.3
   * and 1.2), or "EC_EC"/"EC_RSA" style key-and-signer pairs in old TLS 1.2 client requests.
   */
  private @Nullable String aliasFor(@Nullable String keyType) {
    CertificateSnapshot current = state.get().current();
    String algorithm = current.privateKey().getAlgorithm();
    if (keyType == null) {
      return null;
    }
    if (keyType.equalsIgnoreCase(algorithm) || keyType.startsWith(algorithm + "_")) {
      return current.alias();
    }
    return null;
  }
}
