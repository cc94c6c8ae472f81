/**
 * The whole in-process chain without a network: OkHttp through Meshlet's client filters, HTTP/1.1
 * bytes handed in memory to Meshlet's server inbound chain, and back.
 */
@NullMarked
package dev.meshlet.benchmarks.jmh.chain;

import org.jspecify.annotations.NullMarked;
