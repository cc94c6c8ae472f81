package dev.meshlet.discovery.push;

import dev.meshlet.core.config.ResourceId;
import dev.meshlet.discovery.store.Registered;
import dev.meshlet.discovery.store.StoredResource;
import java.util.Map;

/** What one agent may see at one version: the config resources and endpoints in its scope. */
record AgentView(long version, Map<ResourceId, StoredResource> resources, Map<String, Registered> endpoints) {}
