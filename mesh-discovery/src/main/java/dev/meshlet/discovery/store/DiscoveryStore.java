package dev.meshlet.discovery.store;

import java.io.IOException;

/**
 * The server's durable state. {@link #commit} returns only once the change is durable (for the
 * embedded store: written and forced to disk), so whatever the server acknowledged to a writer
 * survives a restart. Versions grow by one per committed change.
 *
 * <p>Lease deadlines are not part of it: the server keeps them in memory and, after a restart,
 * gives every stored registration a fresh lease term to renew in. An etcd store will bind
 * registrations to etcd leases instead.
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

  @Override
  void close() throws IOException;
}
