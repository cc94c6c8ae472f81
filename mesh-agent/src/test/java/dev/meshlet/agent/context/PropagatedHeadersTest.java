package dev.meshlet.agent.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The server's map of propagated headers answers as the {@code Map.of} it replaces. */
class PropagatedHeadersTest {

  @Test
  void eachSlotIsItsHeaderName() {
    List<String> names = RequestScope.PROPAGATED_HEADERS;
    for (int i = 0; i < names.size(); i++) {
      String[] values = new String[names.size() + 2];
      values[i] = "v" + i;
      values[names.size()] = "not a propagated header's slot";

      Map<String, String> headers = PropagatedHeaders.of(values);

      assertThat(headers).isEqualTo(Map.of(names.get(i), "v" + i));
      assertThat(headers.get(names.get(i))).isEqualTo("v" + i);
      assertThat(headers.containsKey(names.get(i))).isTrue();
    }
  }

  @Test
  void behavesAsAnImmutableMapOfTheSameEntries() {
    String[] values = new String[RequestScope.PROPAGATED_HEADERS.size()];
    values[0] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    values[4] = "4bf92f3577b34da6a3ce929d0e0e4736";
    values[9] = "r1";
    Map<String, String> expected = Map.of("traceparent", values[0], "x-b3-traceid", values[4], "x-request-id", "r1");

    Map<String, String> headers = PropagatedHeaders.of(values);
    values[9] = "changed after";

    assertThat(headers).isEqualTo(expected).hasSameHashCodeAs(expected).hasSize(3);
    assertThat(expected).isEqualTo(headers);
    assertThat(new HashMap<>(headers)).isEqualTo(expected);
    Map<String, String> seen = new LinkedHashMap<>();
    headers.forEach(seen::put);
    assertThat(seen).isEqualTo(expected);
    assertThat(headers.get("X-Request-Id")).as("keys are the lower-case names").isNull();
    assertThat(headers.get("tracestate")).isNull();
    assertThat(headers.containsKey("host")).isFalse();
    assertThatThrownBy(() -> headers.put("b3", "1")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> headers.remove("traceparent")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> headers.entrySet().iterator().next().setValue("x"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> headers.get(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void noHeadersIsTheEmptyMap() {
    assertThat(PropagatedHeaders.of(new String[12])).isSameAs(Map.of());
  }

  @Test
  void aScopeTakesItWithoutACopy() {
    String[] values = new String[RequestScope.PROPAGATED_HEADERS.size()];
    values[2] = "k=v";
    Map<String, String> headers = PropagatedHeaders.of(values);

    assertThat(RequestScope.of(headers, null).headers()).isSameAs(headers);
  }
}
