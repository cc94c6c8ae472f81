/**
 * The request being served on this thread: the headers its outbound calls carry on (trace
 * context, baggage, request id) and its deadline. Server adapters open a {@link
 * dev.meshlet.agent.context.RequestScope}; the mesh's clients read it.
 */
@NullMarked
package dev.meshlet.agent.context;

import org.jspecify.annotations.NullMarked;
