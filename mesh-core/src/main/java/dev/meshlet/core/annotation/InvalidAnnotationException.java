package dev.meshlet.core.annotation;

import java.util.List;

/**
 * An annotation holds a value Meshlet cannot use; the message names the annotation, the
 * element, the value, where it was found and what was expected.
 */
public final class InvalidAnnotationException extends IllegalArgumentException {
  private final List<String> problems;

  public InvalidAnnotationException(List<String> problems) {
    super(problems.size() == 1 ? problems.get(0) : "invalid Meshlet annotations:\n  " + String.join("\n  ", problems));
    this.problems = List.copyOf(problems);
  }

  /** One line per problem. */
  public List<String> problems() {
    return problems;
  }
}
