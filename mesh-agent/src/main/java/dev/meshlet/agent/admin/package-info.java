/**
 * The admin endpoint of a mesh, as Envoy's admin port: Prometheus scrape, config dump, clusters,
 * certificates, readiness and log levels, served by the JDK's HttpServer on loopback by default.
 */
@NullMarked
package dev.meshlet.agent.admin;

import org.jspecify.annotations.NullMarked;
