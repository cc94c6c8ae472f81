/**
 * Istio's Bookinfo written on Meshlet: productpage, details, reviews (v1, v2, v3) and ratings,
 * each a small JDK HTTP handler served by {@link dev.meshlet.agent.server.jdk.MeshJdkServer} and
 * calling its peers through a mesh-wrapped OkHttp client.
 */
@NullMarked
package dev.meshlet.examples.bookinfo;

import org.jspecify.annotations.NullMarked;
