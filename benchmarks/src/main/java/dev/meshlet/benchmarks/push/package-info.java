/** The control plane's push latency: one config change to many connected agents. */
@NullMarked
package dev.meshlet.benchmarks.push;

import org.jspecify.annotations.NullMarked;
