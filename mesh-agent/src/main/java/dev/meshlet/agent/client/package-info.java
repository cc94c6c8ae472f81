/**
 * Declarative clients: an interface annotated {@link dev.meshlet.core.annotation.MeshClient}
 * whose methods say the request ({@link dev.meshlet.agent.client.GET}, {@link
 * dev.meshlet.agent.client.Path}, ...) and return a DTO decoded from JSON.
 */
@NullMarked
package dev.meshlet.agent.client;

import org.jspecify.annotations.NullMarked;
