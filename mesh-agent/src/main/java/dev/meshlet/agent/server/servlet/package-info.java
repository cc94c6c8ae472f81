/**
 * The inbound chain as a Jakarta Servlet filter, for Spring MVC, Tomcat and Jetty servlets where
 * the container terminates TLS.
 */
@NullMarked
package dev.meshlet.agent.server.servlet;

import org.jspecify.annotations.NullMarked;
