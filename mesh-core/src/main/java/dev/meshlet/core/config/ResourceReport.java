package dev.meshlet.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The verdict on one document: where it came from, what it names, the resource it became (when
 * it could be read at all) and its errors and warnings. It is valid when it has no error.
 */
public record ResourceReport(
    String source,
    int documentIndex,
    @Nullable String kind,
    @Nullable String namespace,
    @Nullable String name,
    @Nullable Resource<?> resource,
    List<Problem> problems) {

  public ResourceReport {
    Objects.requireNonNull(source, "source");
    problems = List.copyOf(problems);
  }

  public boolean valid() {
    return resource != null && errors().isEmpty();
  }

  public List<Problem> errors() {
    return problems.stream().filter(Problem::isError).toList();
  }

  public List<Problem> warnings() {
    return problems.stream().filter(p -> !p.isError()).toList();
  }

  /** This report with more problems (the cross-resource analysis adds its warnings so). */
  public ResourceReport with(List<Problem> more) {
    if (more.isEmpty()) {
      return this;
    }
    List<Problem> all = new ArrayList<>(problems);
    all.addAll(more);
    return new ResourceReport(source, documentIndex, kind, namespace, name, resource, all);
  }

  /** {@code VirtualService default/reviews}, or what can be told of a document that did not parse. */
  public String subject() {
    String k = kind == null ? "document " + (documentIndex + 1) : kind;
    if (name == null) {
      return k;
    }
    return k + " " + (namespace == null ? ObjectMeta.DEFAULT_NAMESPACE : namespace) + "/" + name;
  }

  /** One line per problem: {@code source: Kind namespace/name: path: message}. */
  public List<String> lines() {
    return problems.stream()
        .map(p -> source + ": " + subject() + ": " + (p.isError() ? "" : "warning: ") + p)
        .toList();
  }
}
