/**
 * The one server application every scenario calls: a small JSON answer over HTTP/1.1, plaintext or mTLS.
 */
@NullMarked
package dev.meshlet.benchmarks.server;

import org.jspecify.annotations.NullMarked;
