/**
 * The etcd store: the server's state under a key prefix of an etcd cluster, so that several
 * discovery replicas share one view, one history of versions (etcd revisions), one CA and one
 * admin credential. Selected with {@code meshctl server --etcd URL[,URL...]}.
 */
@NullMarked
package dev.meshlet.discovery.store.etcd;

import org.jspecify.annotations.NullMarked;
