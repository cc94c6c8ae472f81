package dev.meshlet.core.config.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.meshlet.core.config.Problem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TreeBinderTest {
  enum Mode { ONE, TWO }

  record Inner(String name, Integer weight) {}

  record Outer(
      String host,
      Boolean enabled,
      Long big,
      Double ratio,
      Duration timeout,
      Mode mode,
      List<Inner> items,
      Map<String, String> labels,
      Map<Integer, Inner> byPort,
      Inner single) {}

  private final List<Problem> problems = new ArrayList<>();

  private Outer bind(String yaml) throws Exception {
    JsonNode node = new YAMLMapper().readTree(yaml);
    return TreeBinder.bind(node, Outer.class, "spec", problems);
  }

  @Test
  void bindsEveryKindOfFieldItKnows() throws Exception {
    Outer o = bind("""
        host: reviews
        enabled: true
        big: 12345678901
        ratio: 0.25
        timeout: 1.5s
        mode: TWO
        items: [{name: a, weight: 10}, {name: b}]
        labels: {app: reviews}
        byPort: {"8080": {name: p}}
        single: {name: s}
        """);
    assertThat(problems).isEmpty();
    assertThat(o.host()).isEqualTo("reviews");
    assertThat(o.enabled()).isTrue();
    assertThat(o.big()).isEqualTo(12345678901L);
    assertThat(o.ratio()).isEqualTo(0.25);
    assertThat(o.timeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(o.mode()).isEqualTo(Mode.TWO);
    assertThat(o.items()).containsExactly(new Inner("a", 10), new Inner("b", null));
    assertThat(o.labels()).containsEntry("app", "reviews");
    assertThat(o.byPort()).containsEntry(8080, new Inner("p", null));
    assertThat(o.single()).isEqualTo(new Inner("s", null));
  }

  @Test
  void reportsEveryProblemWithItsPathInsteadOfStoppingAtTheFirst() throws Exception {
    bind("""
        hots: reviews
        enabled: "yes"
        timeout: 10 seconds
        mode: THREE
        items: [{name: a, wieght: 10}, {name: 5}]
        byPort: {http: {name: p}}
        """);
    assertThat(problems).extracting(Problem::toString).containsExactlyInAnyOrder(
        "spec.hots: unknown field (did you mean host?)",
        "spec.enabled: \"yes\" is not true or false",
        "spec.timeout: \"10 seconds\" is not a duration (expected e.g. 1.5s, 500ms, 1m)",
        "spec.mode: \"THREE\" is not one of ONE, TWO",
        "spec.items[0].wieght: unknown field (did you mean weight?)",
        "spec.items[1].name: 5 is not a string",
        "spec.byPort[http]: key \"http\" is not a number");
    assertThat(problems).allMatch(Problem::isError);
  }

  @Test
  void absentAndNullFieldsBindToNullOrEmpty() throws Exception {
    Outer o = bind("host: null\n");
    assertThat(problems).isEmpty();
    assertThat(o.host()).isNull();
    assertThat(o.items()).isNull();
  }

  @Test
  void aWrongShapeIsNamedNotThrown() throws Exception {
    bind("items: {name: a}\nsingle: [1]\nlabels: [a]\n");
    assertThat(problems).extracting(Problem::toString).containsExactlyInAnyOrder(
        "spec.items: an object is not a list",
        "spec.single: a list is not an object",
        "spec.labels: a list is not a map");
  }

  @Test
  void writesBackWhatItRead() throws Exception {
    Outer o = bind("host: r\ntimeout: 500ms\nitems: [{name: a, weight: 1}]\nbyPort: {\"80\": {name: x}}\nratio: 12.5\n");
    JsonNode written = TreeWriter.write(o);
    problems.clear();
    Outer again = TreeBinder.bind(written, Outer.class, "spec", problems);
    assertThat(problems).isEmpty();
    assertThat(again).isEqualTo(o);
    assertThat(written.get("timeout").asText()).isEqualTo("500ms");
    assertThat(written.has("labels")).isFalse();
  }
}
