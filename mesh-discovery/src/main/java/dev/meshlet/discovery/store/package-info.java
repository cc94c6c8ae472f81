/**
 * Where the discovery server keeps its state: config resources with versions, registrations and
 * bootstrap tokens, behind {@link dev.meshlet.discovery.store.DiscoveryStore} so that an etcd
 * store can stand beside the embedded one.
 */
@NullMarked
package dev.meshlet.discovery.store;

import org.jspecify.annotations.NullMarked;
