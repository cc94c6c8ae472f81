package dev.meshlet.discovery.store.etcd;

import dev.meshlet.discovery.auth.SecretFiles;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares the files every replica must agree on (the CA in Istio's cacerts layout, the admin
 * token) through etcd: the first replica to start puts its own with a create-if-absent
 * transaction, and every replica (that one included) then writes what etcd holds into its own
 * data directory, where the CA and the token are loaded from as with the embedded store.
 *
 * <p>The keys hold the CA's private key and the admin token in the clear: whoever can read
 * etcd under the prefix holds the mesh's CA, as whoever can read Istio's {@code cacerts} secret
 * does.
 */
public final class SharedSecrets {
  /** The group of the CA files under {@code PREFIX secrets/}. */
  public static final String CA = "ca";
  /** The group of the admin token. */
  public static final String ADMIN = "admin";

  private static final Logger log = LoggerFactory.getLogger(SharedSecrets.class);
  // Written last in the same transaction: present means the whole group is.
  private static final String COMPLETE = ".complete";

  private SharedSecrets() {}

  /**
   * Makes the files of {@code group} in {@code dir} the same as every other replica's: puts
   * {@code names} from {@code dir} into etcd when the group is not there yet, else replaces them
   * in {@code dir} with etcd's. Returns whether this replica's files won.
   */
  public static boolean share(EtcdStore store, String group, Path dir, List<String> names) throws IOException {
    ByteSequence prefix = store.keys().secrets(group);
    String where = "etcd " + store.endpoints() + ": " + prefix;
    ByteSequence marker = key(prefix, COMPLETE);
    List<Op> puts = new ArrayList<>();
    Map<String, byte[]> mine = new TreeMap<>();
    for (String name : names) {
      Path file = dir.resolve(name);
      if (!Files.exists(file)) {
        throw new IOException(file + " is missing (expected: " + names + " in " + dir + ")");
      }
      byte[] bytes = Files.readAllBytes(file);
      mine.put(name, bytes);
      puts.add(Op.put(key(prefix, name), ByteSequence.from(bytes), PutOption.DEFAULT));
    }
    puts.add(Op.put(marker, ByteSequence.from("1", StandardCharsets.UTF_8), PutOption.DEFAULT));
    TxnResponse t = EtcdStore.await(store.client().getKVClient().txn()
        .If(new Cmp(marker, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
        .Then(puts.toArray(Op[]::new))
        .Else(Op.get(prefix, GetOption.builder().isPrefix(true).build()))
        .commit(), where + ": share");
    if (t.isSucceeded()) {
      log.info("{}: stored this replica's {} (first replica over this prefix)", where, names);
      return true;
    }
    Map<String, byte[]> theirs = new TreeMap<>();
    for (KeyValue kv : t.getGetResponses().get(0).getKvs()) {
      String k = kv.getKey().toString(StandardCharsets.UTF_8);
      theirs.put(k.substring(k.lastIndexOf('/') + 1), kv.getValue().getBytes());
    }
    Files.createDirectories(dir);
    for (String name : names) {
      byte[] bytes = theirs.get(name);
      if (bytes == null) {
        throw new IOException(where + name + " is missing although " + COMPLETE + " is there (expected: " + names + ")");
      }
      if (!Arrays.equals(bytes, mine.get(name))) {
        SecretFiles.write(dir.resolve(name), bytes, true);
      }
    }
    log.info("{}: using the shared {}", where, names);
    return false;
  }

  private static ByteSequence key(ByteSequence prefix, String name) {
    return prefix.concat(ByteSequence.from(name, StandardCharsets.UTF_8));
  }
}
