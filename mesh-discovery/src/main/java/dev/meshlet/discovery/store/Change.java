package dev.meshlet.discovery.store;

import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.ResourceId;
import dev.meshlet.core.registry.WorkloadInstance;
import java.util.List;
import java.util.Objects;

/** One write to the store; each committed change gets the next version. */
public sealed interface Change {

  /** Puts and deletes config resources as one change (an apply, or a delete). */
  record ConfigChange(List<Resource<?>> put, List<ResourceId> delete) implements Change {
    public ConfigChange {
      put = List.copyOf(put);
      delete = List.copyOf(delete);
    }
  }

  /** Registers a workload under a lease. */
  record Register(String leaseId, String name, WorkloadInstance workload, long ttlSeconds) implements Change {
    public Register {
      Objects.requireNonNull(leaseId, "leaseId");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(workload, "workload");
    }
  }

  /** Removes a registration: the agent left, or its lease expired. */
  record Deregister(String leaseId, String reason) implements Change {
    public Deregister {
      Objects.requireNonNull(leaseId, "leaseId");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Records a bootstrap token (its hash only) bound to one identity. */
  record GrantToken(TokenGrant grant) implements Change {
    public GrantToken {
      Objects.requireNonNull(grant, "grant");
    }
  }
}
