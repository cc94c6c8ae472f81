package dev.meshlet.discovery.store;

import java.io.IOException;

/**
 * The server's durable state. {@link #commit} returns only once the change is durable (for the
 * embedded store: written and forced to disk), so whatever the server acknowledged to a writer
 * survives a restart. Versions grow by one per committed change.
 *
 * <p>Lease deadlines are not part of it: the server keeps them in memory and, after a restart,
 * gives every stored registration a fresh lease term to renew in. The etcd store binds
 * registrations to etcd leases instead ({@link #expiresLeases()}).
 */
public interface DiscoveryStore extends AutoCloseable {

  /** The state after the last committed change. */
  StoreState state();

  /**
   * Commits {@code change} as the next version and returns the new state.
   *
   * @throws IOException when it could not be made durable; the state is then unchanged
   */
  StoreState commit(Change change) throws IOException;

  /**
   * Names the history that versions count in: two servers with the same id share one store, so
   * an agent may resume at one from a version it got from the other.
   */
  String id();

  /** Whether several servers share this store (etcd), and with it one CA that none may change alone. */
  default boolean shared() {
    return false;
  }

  /**
   * Calls {@code listener} after changes that did not come through this server's
   * {@link #commit} (other replicas' writes, lapsed etcd leases). The embedded store has none.
   */
  default void onExternalChange(Runnable listener) {}

  /**
   * Brings {@link #state()} up to everything committed anywhere so far, for a lookup that missed
   * (a token or lease granted through another replica a moment ago); returns whether the state
   * may have changed. The embedded store is always current and returns false.
   */
  default boolean catchUp() {
    return false;
  }

  /**
   * Whether the store itself ends registrations whose lease lapses (etcd leases); the server then
   * keeps no deadlines of its own and renews through {@link #renew}.
   */
  default boolean expiresLeases() {
    return false;
  }

  /**
   * Renews the store-side lease of registration {@code leaseId}; false when it has lapsed or is
   * unknown. Only stores that {@link #expiresLeases()} support it.
   */
  default boolean renew(String leaseId) throws IOException {
    throw new UnsupportedOperationException("this store keeps no leases");
  }

  @Override
  void close() throws IOException;
}
