package dev.meshlet.core.protocol;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The body of every error the server answers: what went wrong, and for a refused config batch
 * every problem found in it, each with where it is.
 */
public record ApiError(String error, List<ApiProblem> problems) {
  public ApiError {
    Objects.requireNonNull(error, "error");
    problems = problems == null ? List.of() : List.copyOf(problems);
  }

  public static ApiError of(String error) {
    return new ApiError(error, List.of());
  }

  /**
   * One problem of one document.
   *
   * @param file the name the document came under (the file meshctl read it from)
   * @param document the document's 1-based position in that file
   * @param path the field path, empty for the document as a whole
   * @param severity {@code error} or {@code warning}
   */
  public record ApiProblem(
      String file,
      int document,
      @Nullable String kind,
      @Nullable String namespace,
      @Nullable String name,
      String path,
      String severity,
      String message) {

    /** {@code file: Kind ns/name: path: message}, as meshctl prints it. */
    @Override
    public String toString() {
      String subject = kind == null ? "document " + document : kind + (name == null ? "" : " " + (namespace == null ? "default" : namespace) + "/" + name);
      return file + ": " + subject + ": " + ("warning".equals(severity) ? "warning: " : "")
          + (path.isEmpty() ? "" : path + ": ") + message;
    }
  }
}
