package dev.meshlet.discovery.store;

import dev.meshlet.core.config.Resource;
import java.util.Objects;

/** A config resource and the version of the change that last wrote it. */
public record StoredResource(Resource<?> resource, long modVersion) {
  public StoredResource {
    Objects.requireNonNull(resource, "resource");
  }
}
