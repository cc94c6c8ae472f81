/**
 * The inbound chain on the JDK's built-in {@code HttpServer}/{@code HttpsServer}: no dependency
 * beyond the JDK, for small services and examples.
 */
@NullMarked
package dev.meshlet.agent.server.jdk;

import org.jspecify.annotations.NullMarked;
