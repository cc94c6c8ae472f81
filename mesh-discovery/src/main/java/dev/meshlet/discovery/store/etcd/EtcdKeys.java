package dev.meshlet.discovery.store.etcd;

import dev.meshlet.core.config.Kind;
import dev.meshlet.core.config.ResourceId;
import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Where things live under the prefix. {@code state/} is what agents see and the watch follows;
 * {@code secrets/} (CA key, admin token) is read once at start and never pushed.
 *
 * <pre>
 * PREFIX state/config/KIND/NAMESPACE/NAME   a config resource, as JSON
 * PREFIX state/registrations/LEASE          a registration, bound to an etcd lease
 * PREFIX state/tokens/SHA256                a bootstrap token's grant
 * PREFIX secrets/ca/FILE                    the CA in Istio's cacerts layout
 * PREFIX secrets/admin/admin-token          the admin token
 * </pre>
 */
final class EtcdKeys {
  private static final String STATE = "state/";
  private static final String CONFIG = STATE + "config/";
  private static final String REGISTRATIONS = STATE + "registrations/";
  private static final String TOKENS = STATE + "tokens/";

  private final String prefix;

  EtcdKeys(String prefix) {
    if (prefix.isEmpty() || !prefix.endsWith("/")) {
      throw new IllegalArgumentException("etcd prefix: \"" + prefix + "\" (expected: non-empty, ending in /, like /meshlet/)");
    }
    this.prefix = prefix;
  }

  String prefix() {
    return prefix;
  }

  ByteSequence state() {
    return bytes(prefix + STATE);
  }

  ByteSequence config(ResourceId id) {
    return bytes(prefix + CONFIG + id.kind().name() + "/" + id.namespace() + "/" + id.name());
  }

  ByteSequence registration(String leaseId) {
    return bytes(prefix + REGISTRATIONS + leaseId);
  }

  ByteSequence token(String sha256) {
    return bytes(prefix + TOKENS + sha256);
  }

  ByteSequence secrets(String group) {
    return bytes(prefix + "secrets/" + group + "/");
  }

  /** What a state key names. */
  sealed interface Parsed {}

  record ConfigKey(ResourceId id) implements Parsed {}

  record RegistrationKey(String leaseId) implements Parsed {}

  record TokenKey(String sha256) implements Parsed {}

  /** The meaning of {@code key}, or null for a key this version does not know (left alone). */
  @Nullable Parsed parse(ByteSequence key) {
    String k = key.toString(StandardCharsets.UTF_8);
    if (!k.startsWith(prefix)) {
      return null;
    }
    String rest = k.substring(prefix.length());
    if (rest.startsWith(CONFIG)) {
      String[] p = rest.substring(CONFIG.length()).split("/", -1);
      if (p.length != 3) {
        return null;
      }
      try {
        return new ConfigKey(new ResourceId(Kind.valueOf(p[0]), p[1], p[2]));
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    if (rest.startsWith(REGISTRATIONS)) {
      return new RegistrationKey(rest.substring(REGISTRATIONS.length()));
    }
    if (rest.startsWith(TOKENS)) {
      return new TokenKey(rest.substring(TOKENS.length()));
    }
    return null;
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
