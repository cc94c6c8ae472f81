package dev.meshlet.discovery.store.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.ResourceReport;
import dev.meshlet.core.config.codec.ConfigReader;
import dev.meshlet.core.protocol.ProtocolJson;
import dev.meshlet.discovery.store.Change;
import dev.meshlet.discovery.store.DiscoveryStore;
import dev.meshlet.discovery.store.StoreState;
import dev.meshlet.discovery.store.TokenGrant;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.DeleteResponse;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.PutResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's state in etcd. A commit is one etcd request (a config change one transaction, so
 * all or nothing); the local {@link StoreState} is only ever built from what etcd sends back, by
 * a load of the prefix at start and one watch from the revision after it, so every replica over
 * the same etcd ends with the same state at the same versions. Versions are etcd revisions: they
 * grow, but not by one (other keys in etcd take revisions too).
 *
 * <p>A commit returns once the watch has brought its revision back, so a writer reads its own
 * write through this replica. Registrations are keys bound to etcd leases: when an agent stops
 * renewing, etcd deletes the key and every replica sees the delete, whether or not the replica
 * that granted the lease is still alive.
 *
 * <p>A watch that breaks resumes from the revision after the last one applied; when etcd has
 * compacted that history away, the prefix is loaded afresh (agents that resume from before it
 * then get a full view).
 */
public final class EtcdStore implements DiscoveryStore {
  /** The key prefix when none is given. */
  public static final String DEFAULT_PREFIX = "/meshlet/";
  /** How long one etcd request may take before the commit fails. */
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

  private static final Logger log = LoggerFactory.getLogger(EtcdStore.class);
  private static final ObjectMapper JSON = ProtocolJson.mapper();
  private static final Duration REWATCH_DELAY = Duration.ofMillis(200);

  private final Client client;
  private final KV kv;
  private final EtcdKeys keys;
  private final String endpoints;
  private final String id;
  // Guards state changes; commits wait on it for their revision to come back.
  private final Object lock = new Object();
  private volatile StoreState state;
  // Our lease id -> etcd's lease id, learned from the keys' lease field.
  private final Map<String, Long> etcdLeases = new ConcurrentHashMap<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService rewatch;
  private volatile Watch.@Nullable Watcher watcher;
  // Which watch is current: a break is handled once, and a replaced watch's calls are ignored.
  private final AtomicLong watchGeneration = new AtomicLong();
  private volatile boolean closed;

  private EtcdStore(Client client, EtcdKeys keys, String endpoints, long clusterId) {
    this.client = client;
    this.kv = client.getKVClient();
    this.keys = keys;
    this.endpoints = endpoints;
    this.id = "etcd-" + Long.toHexString(clusterId) + keys.prefix();
    this.state = StoreState.EMPTY;
    this.rewatch = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "meshlet-etcd-rewatch");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Connects to the etcd cluster at {@code endpoints} ({@code http://host:2379}), loads what is
   * under {@code prefix} and starts following it.
   *
   * @throws IOException when etcd does not answer, naming the endpoints
   */
  public static EtcdStore connect(List<String> endpoints, String prefix) throws IOException {
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("etcd endpoints: empty (expected: at least one URL such as http://127.0.0.1:2379)");
    }
    for (String e : endpoints) {
      if (!(e.startsWith("http://") || e.startsWith("https://"))) {
        throw new IllegalArgumentException("etcd endpoint \"" + e + "\" (expected: http://host:port or https://host:port)");
      }
    }
    EtcdKeys keys = new EtcdKeys(prefix);
    String where = String.join(",", endpoints);
    Client client = Client.builder()
        .endpoints(endpoints.toArray(String[]::new))
        .connectTimeout(Duration.ofSeconds(3))
        .keepaliveTime(Duration.ofSeconds(5))
        .keepaliveTimeout(Duration.ofSeconds(3))
        .retryMaxDuration(CALL_TIMEOUT)
        .build();
    try {
      GetResponse first = await(client.getKVClient().get(keys.state(), GetOption.builder().isPrefix(true).build()),
          "etcd " + where + ": load " + prefix);
      EtcdStore store = new EtcdStore(client, keys, where, first.getHeader().getClusterId());
      store.load(first);
      store.watchFrom(store.state.version() + 1);
      log.info("etcd store {} prefix {}: revision {}, {} resources, {} registrations", where, prefix,
          store.state.version(), store.state.config().size(), store.state.registrations().size());
      return store;
    } catch (IOException | RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /** The jetcd client, for sharing the CA and the admin token through the same cluster. */
  Client client() {
    return client;
  }

  EtcdKeys keys() {
    return keys;
  }

  String endpoints() {
    return endpoints;
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
  public void onExternalChange(Runnable listener) {
    listeners.add(listener);
  }

  @Override
  public boolean shared() {
    return true;
  }

  @Override
  public boolean expiresLeases() {
    return true;
  }

  @Override
  public StoreState commit(Change change) throws IOException {
    if (closed) {
      throw new IOException("etcd store " + endpoints + " is closed");
    }
    long revision;
    boolean wrote;
    if (change instanceof Change.ConfigChange c) {
      List<Op> ops = new ArrayList<>();
      for (Resource<?> r : c.put()) {
        ops.add(Op.put(keys.config(r.id()), json(ConfigReader.toTree(r)), PutOption.DEFAULT));
      }
      c.delete().forEach(id -> ops.add(Op.delete(keys.config(id), DeleteOption.DEFAULT)));
      Op[] all = ops.toArray(Op[]::new);
      TxnResponse t = retrying(() -> kv.txn().Then(all).commit(), "etcd " + endpoints + ": apply");
      revision = t.getHeader().getRevision();
      wrote = !c.put().isEmpty() || t.getDeleteResponses().stream().anyMatch(d -> d.getDeleted() > 0);
    } else if (change instanceof Change.Register r) {
      long lease = retrying(() -> client.getLeaseClient().grant(Math.max(1, r.ttlSeconds())),
          "etcd " + endpoints + ": grant a lease").getID();
      ByteSequence value = json(JSON.valueToTree(r));
      PutResponse p = retrying(() -> kv.put(keys.registration(r.leaseId()), value,
          PutOption.builder().withLeaseId(lease).build()), "etcd " + endpoints + ": register");
      etcdLeases.put(r.leaseId(), lease);
      revision = p.getHeader().getRevision();
      wrote = true;
    } else if (change instanceof Change.Deregister d) {
      DeleteResponse del = retrying(() -> kv.delete(keys.registration(d.leaseId())), "etcd " + endpoints + ": deregister");
      Long lease = etcdLeases.remove(d.leaseId());
      if (lease != null) {
        // The key is gone already; the lease would lapse by itself, revoking just tidies up sooner.
        client.getLeaseClient().revoke(lease).exceptionally(e -> null);
      }
      revision = del.getHeader().getRevision();
      wrote = del.getDeleted() > 0;
    } else if (change instanceof Change.GrantToken g) {
      ByteSequence value = json(JSON.valueToTree(g.grant()));
      PutResponse p = retrying(() -> kv.put(keys.token(g.grant().sha256()), value), "etcd " + endpoints + ": grant a token");
      revision = p.getHeader().getRevision();
      wrote = true;
    } else {
      throw new IllegalArgumentException("unknown change " + change);
    }
    return wrote ? awaitRevision(revision) : state;
  }

  @Override
  public boolean renew(String leaseId) throws IOException {
    Long lease = etcdLeases.get(leaseId);
    if (lease == null) {
      return false;
    }
    try {
      return retrying(() -> client.getLeaseClient().keepAliveOnce(lease), "etcd " + endpoints + ": renew lease " + leaseId)
          .getTTL() > 0;
    } catch (IOException e) {
      if (e.getCause() instanceof EtcdException ee && ee.getErrorCode() == ErrorCode.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Asks etcd for the newest write under the prefix (a linearizable read of the key with the
   * highest mod revision) and waits until the watch has brought this replica there. The global
   * revision would not do: writes elsewhere in etcd take revisions this watch never sees.
   */
  @Override
  public boolean catchUp() {
    try {
      GetOption newest = GetOption.builder().isPrefix(true).withKeysOnly(true).withLimit(1)
          .withSortField(GetOption.SortTarget.MOD).withSortOrder(GetOption.SortOrder.DESCEND).build();
      List<KeyValue> kvs = await(kv.get(keys.state(), newest), "etcd " + endpoints + ": read the newest write").getKvs();
      long now = kvs.isEmpty() ? 0 : kvs.get(0).getModRevision();
      if (now > state.version()) {
        awaitRevision(now);
      }
      // True even when the watch was there already: it may have brought the write between the
      // caller's miss and this read, and a second look costs nothing.
      return true;
    } catch (IOException e) {
      log.warn("cannot catch up with etcd: {}", e.getMessage());
      return false;
    }
  }

  /** Waits until the watch has applied {@code revision}, so the writer reads its own write here. */
  private StoreState awaitRevision(long revision) throws IOException {
    long deadline = System.nanoTime() + CALL_TIMEOUT.toNanos();
    synchronized (lock) {
      while (state.version() < revision) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || closed) {
          throw new IOException("etcd " + endpoints + ": revision " + revision + " was written but the watch has not"
              + " brought it back in " + CALL_TIMEOUT.toSeconds() + " s (this replica is at " + state.version() + ")");
        }
        try {
          lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted waiting for revision " + revision, e);
        }
      }
      return state;
    }
  }

  // ---- loading and watching

  private void load(GetResponse r) throws IOException {
    long revision = r.getHeader().getRevision();
    // Rebuild by mod revision so each resource keeps the version that last wrote it.
    TreeMap<Long, List<Change>> byRevision = new TreeMap<>();
    Map<String, Long> leases = new ConcurrentHashMap<>();
    for (KeyValue kv : r.getKvs()) {
      Change c = put(kv);
      if (c != null) {
        byRevision.computeIfAbsent(kv.getModRevision(), k -> new ArrayList<>()).add(c);
        if (c instanceof Change.Register reg) {
          leases.put(reg.leaseId(), kv.getLease());
        }
      }
    }
    StoreState s = StoreState.EMPTY;
    for (Map.Entry<Long, List<Change>> e : byRevision.entrySet()) {
      s = s.apply(e.getValue(), e.getKey());
    }
    // Nothing before this revision is known as a removal: resuming from before it gets a full view.
    StoreState loaded = new StoreState(revision, revision, s.config(), Map.of(), s.registrations(), Map.of(), s.tokens());
    synchronized (lock) {
      etcdLeases.clear();
      etcdLeases.putAll(leases);
      state = loaded;
      lock.notifyAll();
    }
  }

  private void watchFrom(long revision) {
    if (closed) {
      return;
    }
    long generation = watchGeneration.incrementAndGet();
    Watch.Watcher old = watcher;
    if (old != null) {
      old.close();
    }
    WatchOption option = WatchOption.builder().isPrefix(true).withRevision(revision).build();
    watcher = client.getWatchClient().watch(keys.state(), option, Watch.listener(
        r -> onWatch(generation, r),
        t -> onWatchError(generation, t),
        () -> onWatchError(generation, new IOException("the watch ended"))));
  }

  private void onWatch(long generation, WatchResponse response) {
    List<WatchEvent> events = response.getEvents();
    if (events.isEmpty() || generation != watchGeneration.get()) {
      return;
    }
    boolean changed = false;
    synchronized (lock) {
      TreeMap<Long, List<Change>> byRevision = new TreeMap<>();
      for (WatchEvent e : events) {
        KeyValue kv = e.getKeyValue();
        if (kv.getModRevision() <= state.version()) {
          continue; // already applied (a resumed watch may repeat a revision)
        }
        Change c;
        try {
          c = e.getEventType() == WatchEvent.EventType.DELETE ? delete(kv) : put(kv);
        } catch (IOException ex) {
          log.error("etcd key {} at revision {} does not read; ignoring it: {}",
              kv.getKey(), kv.getModRevision(), ex.getMessage());
          c = null;
        }
        List<Change> at = byRevision.computeIfAbsent(kv.getModRevision(), k -> new ArrayList<>());
        if (c != null) {
          at.add(c);
          if (c instanceof Change.Register reg) {
            etcdLeases.put(reg.leaseId(), kv.getLease());
          } else if (c instanceof Change.Deregister d) {
            etcdLeases.remove(d.leaseId());
          }
        }
      }
      StoreState s = state;
      for (Map.Entry<Long, List<Change>> e : byRevision.entrySet()) {
        s = s.apply(e.getValue(), e.getKey());
      }
      if (s != state) {
        state = s;
        changed = true;
        lock.notifyAll();
      }
    }
    if (changed) {
      listeners.forEach(Runnable::run);
    }
  }

  private void onWatchError(long generation, Throwable t) {
    if (closed || !watchGeneration.compareAndSet(generation, generation + 1)) {
      return; // this break is handled already, or the watch was replaced
    }
    if (t instanceof CompactedException || t.getCause() instanceof CompactedException) {
      log.warn("etcd {}: the history after revision {} was compacted; loading {} afresh", endpoints, state.version(), keys.prefix());
      rewatch.schedule(this::reload, 0, TimeUnit.MILLISECONDS);
    } else {
      long from = state.version() + 1;
      log.warn("etcd {}: watch broke ({}); resuming from revision {}", endpoints, t.toString(), from);
      rewatch.schedule(() -> watchFrom(state.version() + 1), REWATCH_DELAY.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void reload() {
    try {
      load(await(kv.get(keys.state(), GetOption.builder().isPrefix(true).build()), "etcd " + endpoints + ": reload"));
      watchFrom(state.version() + 1);
      listeners.forEach(Runnable::run);
    } catch (IOException | RuntimeException e) {
      log.warn("etcd {}: reload failed ({}); trying again", endpoints, e.toString());
      rewatch.schedule(this::reload, REWATCH_DELAY.toMillis() * 5, TimeUnit.MILLISECONDS);
    }
  }

  // ---- values

  private @Nullable Change put(KeyValue kv) throws IOException {
    EtcdKeys.Parsed key = keys.parse(kv.getKey());
    if (key == null) {
      return null;
    }
    JsonNode tree = JSON.readTree(kv.getValue().getBytes());
    if (key instanceof EtcdKeys.ConfigKey) {
      ResourceReport report = ConfigReader.readDocument("etcd " + kv.getKey(), 0, tree);
      if (report.resource() == null) {
        throw new IOException("stored " + report.subject() + " no longer reads: " + report.errors());
      }
      return new Change.ConfigChange(List.of(report.resource()), List.of());
    }
    if (key instanceof EtcdKeys.RegistrationKey) {
      return JSON.treeToValue(tree, Change.Register.class);
    }
    return new Change.GrantToken(JSON.treeToValue(tree, TokenGrant.class));
  }

  private @Nullable Change delete(KeyValue kv) {
    EtcdKeys.Parsed key = keys.parse(kv.getKey());
    if (key instanceof EtcdKeys.ConfigKey c) {
      return new Change.ConfigChange(List.of(), List.of(c.id()));
    }
    if (key instanceof EtcdKeys.RegistrationKey r) {
      return new Change.Deregister(r.leaseId(), "removed from etcd (lease lapsed or deregistered)");
    }
    return null; // tokens are never removed
  }

  private static ByteSequence json(JsonNode tree) throws IOException {
    return ByteSequence.from(JSON.writeValueAsBytes(tree));
  }

  /**
   * Runs a write, again while etcd answers that it cannot now (no leader during an election after
   * a member died). Every write here may safely run twice: puts of the same values, deletes.
   */
  private static <T> T retrying(Supplier<CompletableFuture<T>> call, String what) throws IOException {
    long deadline = System.nanoTime() + CALL_TIMEOUT.toNanos();
    long pause = 50;
    while (true) {
      try {
        return await(call.get(), what);
      } catch (IOException e) {
        if (!unavailable(e.getCause()) || System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pause) > deadline) {
          throw e;
        }
        log.debug("{}: {}; trying again in {} ms", what, e.getMessage(), pause);
        try {
          Thread.sleep(pause);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
        pause = Math.min(pause * 2, 1_000);
      }
    }
  }

  private static boolean unavailable(@Nullable Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof EtcdException ee && ee.getErrorCode() == ErrorCode.UNAVAILABLE) {
        return true;
      }
      if (c instanceof io.grpc.StatusRuntimeException se && se.getStatus().getCode() == io.grpc.Status.Code.UNAVAILABLE) {
        return true;
      }
    }
    return false;
  }

  static <T> T await(CompletableFuture<T> f, String what) throws IOException {
    try {
      return f.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IOException(what + ": " + cause.getMessage(), cause);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new IOException(what + ": no answer in " + CALL_TIMEOUT.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(what + ": interrupted", e);
    }
  }

  @Override
  public void close() {
    closed = true;
    rewatch.shutdownNow();
    Watch.Watcher w = watcher;
    if (w != null) {
      w.close();
    }
    synchronized (lock) {
      lock.notifyAll();
    }
    client.close();
  }
}
