/**
 * Benchmark-only certificates: a throwaway CA issuing SPIFFE-style server and client certificates, as key stores and PEM files.
 */
@NullMarked
package dev.meshlet.benchmarks.tls;

import org.jspecify.annotations.NullMarked;
