/**
 * Where a mesh's config comes from and what is in force: the layers (discovery, files,
 * annotations) composed into one snapshot, the endpoints, and the plug point for the discovery
 * server.
 */
@NullMarked
package dev.meshlet.agent.config;

import org.jspecify.annotations.NullMarked;
