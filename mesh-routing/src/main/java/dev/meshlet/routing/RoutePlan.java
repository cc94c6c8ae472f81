package dev.meshlet.routing;

import org.jspecify.annotations.Nullable;

/**
 * Where the mesh would send a request, decided without sending it: for diagnostics ("which route
 * does this take?") and for measuring the routing cost apart from the network.
 *
 * @param host the authority asked for
 * @param service the service it resolved to, or null when unknown (passed through, or refused)
 * @param route the matching route's name, or null
 * @param destination the cluster ({@code outbound|port|subset|host}), or null
 * @param endpoint {@code address:port} the load balancer picked, or null
 * @param failure the flag the call would fail with (NR, NC, UH), or null when it would be sent
 * @param reason why it would fail, or what it would do instead of sending (direct response,
 *     redirect, pass-through); null when it would be sent to {@code endpoint}
 */
public record RoutePlan(
    String host, @Nullable String service, @Nullable String route, @Nullable String destination,
    @Nullable String endpoint, @Nullable ResponseFlag failure, @Nullable String reason) {}
