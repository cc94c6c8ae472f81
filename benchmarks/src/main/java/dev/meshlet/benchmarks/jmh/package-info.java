/**
 * JMH microbenchmarks of in-process costs; run with -prof gc.
 */
@NullMarked
package dev.meshlet.benchmarks.jmh;

import org.jspecify.annotations.NullMarked;
