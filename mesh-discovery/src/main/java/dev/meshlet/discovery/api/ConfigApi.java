package dev.meshlet.discovery.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshlet.core.config.Kind;
import dev.meshlet.core.config.Problem;
import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.ResourceId;
import dev.meshlet.core.config.ResourceReport;
import dev.meshlet.core.config.codec.ConfigReader;
import dev.meshlet.core.config.source.ConfigBatch;
import dev.meshlet.core.protocol.ApiError;
import dev.meshlet.core.protocol.ApiError.ApiProblem;
import dev.meshlet.discovery.DiscoveryException;
import dev.meshlet.discovery.store.Change;
import dev.meshlet.discovery.store.DiscoveryStore;
import dev.meshlet.discovery.store.StoreState;
import dev.meshlet.discovery.store.StoredResource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Arrays;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** Config writes and reads: apply a batch all or nothing, get, delete. */
final class ConfigApi {
  private final DiscoveryStore store;
  private final Consumer<StoreState> onChange;

  ConfigApi(DiscoveryStore store, Consumer<StoreState> onChange) {
    this.store = store;
    this.onChange = onChange;
  }

  /** A refused batch: every problem of every document. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    final transient ApiError error;

    Refused(ApiError error) {
      super(error.error());
      this.error = error;
    }
  }

  /** One file of a batch: the name its problems are reported under, and its text. */
  record Source(String name, String content) {}

  /** Applies every resource of every source or none of them. */
  ApplyResult apply(List<Source> sources) throws IOException, Refused {
    List<ResourceReport> reports = new ArrayList<>();
    for (Source src : sources) {
      reports.addAll(ConfigReader.read(src.name(), src.content()));
    }
    if (reports.isEmpty()) {
      throw DiscoveryException.badRequest("no resource in the request (expected YAML or JSON documents)");
    }
    ConfigBatch batch = ConfigBatch.of(reports);
    if (!batch.valid()) {
      List<ApiProblem> problems = new ArrayList<>();
      for (ResourceReport r : batch.reports()) {
        problems.addAll(problems(r, true));
      }
      int invalid = batch.invalid().size();
      throw new Refused(new ApiError(invalid + " of " + reports.size() + " resource" + (reports.size() == 1 ? "" : "s")
          + " invalid; nothing was applied", problems));
    }
    List<ApiProblem> warnings = new ArrayList<>();
    batch.reports().forEach(r -> warnings.addAll(problems(r, false)));
    synchronized (this) {
      StoreState s = store.state();
      List<Resource<?>> put = new ArrayList<>();
      List<ApplyResult.Applied> applied = new ArrayList<>();
      for (Resource<?> r : batch.resources()) {
        StoredResource old = s.config().get(r.id());
        String action = old == null ? "created" : old.resource().equals(r) ? "unchanged" : "configured";
        if (!action.equals("unchanged")) {
          put.add(r);
        }
        applied.add(new ApplyResult.Applied(r.kind().kindName(), r.namespace(), r.name(), action));
      }
      long version = s.version();
      if (!put.isEmpty()) {
        StoreState next = store.commit(new Change.ConfigChange(put, List.of()));
        version = next.version();
        onChange.accept(next);
      }
      return new ApplyResult(version, applied, warnings);
    }
  }

  private static List<ApiProblem> problems(ResourceReport r, boolean all) {
    List<ApiProblem> out = new ArrayList<>();
    for (Problem p : r.problems()) {
      if (all || !p.isError()) {
        out.add(new ApiProblem(r.source(), r.documentIndex() + 1, r.kind(), r.namespace(), r.name(), p.path(),
            p.isError() ? "error" : "warning", p.message()));
      }
    }
    return out;
  }

  /** The resources of {@code kind}, optionally in one namespace, optionally one by name. */
  List<ObjectNode> get(Kind kind, @Nullable String namespace, @Nullable String name) {
    StoreState s = store.state();
    if (name != null) {
      ResourceId id = new ResourceId(kind, namespace == null ? "default" : namespace, name);
      StoredResource r = s.config().get(id);
      if (r == null) {
        throw DiscoveryException.notFound(id + " not found");
      }
      return List.of(ConfigReader.toTree(r.resource()));
    }
    List<ObjectNode> out = new ArrayList<>();
    for (StoredResource r : s.config().values()) {
      if (r.resource().kind() == kind && (namespace == null || r.resource().namespace().equals(namespace))) {
        out.add(ConfigReader.toTree(r.resource()));
      }
    }
    return out;
  }

  /** Deletes one resource; returns the new version. */
  synchronized long delete(ResourceId id) throws IOException {
    if (!store.state().config().containsKey(id)) {
      throw DiscoveryException.notFound(id + " not found");
    }
    StoreState next = store.commit(new Change.ConfigChange(List.of(), List.of(id)));
    onChange.accept(next);
    return next.version();
  }

  static Kind kind(String name) {
    return Kind.byCliName(name).orElseThrow(() -> DiscoveryException.badRequest("unknown kind \"" + name
        + "\" (expected one of " + Arrays.stream(Kind.values()).map(Kind::kindName).toList() + " or a short name)"));
  }
}
