package dev.meshlet.tls.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SpiffeIdTest {

  @Test
  void parsesTrustDomainAndPath() {
    SpiffeId id = SpiffeId.parse("spiffe://cluster.local/ns/default/sa/reviews");

    assertThat(id.trustDomain()).isEqualTo(TrustDomain.of("cluster.local"));
    assertThat(id.path()).isEqualTo("/ns/default/sa/reviews");
    assertThat(id).hasToString("spiffe://cluster.local/ns/default/sa/reviews");
    assertThat(id.toUri().getScheme()).isEqualTo("spiffe");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "spiffe://example.org",
      "spiffe://a-b_c.9/x",
      "spiffe://td/A.b-C_d/..x/.y",
      "spiffe://td/ns/x/sa/y/extra"})
  void acceptsWhatTheSpecAllows(String value) {
    assertThat(SpiffeId.parse(value)).hasToString(value);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "''                                     | is empty",
      "cluster.local/ns/a                     | has no scheme",
      "https://cluster.local/ns/a             | has scheme \"https\" (expected: spiffe)",
      "SPIFFE://cluster.local/ns/a            | expected: lowercase spiffe",
      "spiffe://                              | has no trust domain",
      "spiffe:///ns/a                         | has no trust domain",
      "spiffe://Cluster.local/ns/a            | uppercase letter 'C' at index 0",
      "spiffe://cluster.local:8080/ns/a       | has a port",
      "spiffe://user@cluster.local/ns/a       | has userinfo",
      "spiffe://cluster.local/ns/a?x=1        | has a query \"?x=1\"",
      "spiffe://cluster.local/ns/a#frag       | has a fragment \"#frag\"",
      "spiffe://clu$ter/ns/a                  | has the character '$' at index 3",
      "spiffe://cluster.local/                | ends with '/'",
      "spiffe://cluster.local/ns/a/           | ends with '/'",
      "spiffe://cluster.local/ns//a           | empty segment at index 1",
      "spiffe://cluster.local/ns/./a          | has a '.' segment at index 1",
      "spiffe://cluster.local/ns/../a         | has a '..' segment at index 1",
      "spiffe://cluster.local/ns/a%20b        | percent-encoded",
      "spiffe://cluster.local/ns/a b          | has the character ' ' in segment 1",
      "spiffe://cluster.local/ns/ä            | has the character '\\u00e4' in segment 1"})
  void refusesWhatTheSpecForbidsSayingWhy(String value, String problem) {
    assertThatThrownBy(() -> SpiffeId.parse(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("SPIFFE ID \"")
        .hasMessageContaining(problem);
    assertThat(SpiffeId.isValid(value)).isFalse();
  }

  @Test
  void refusesIdsLongerThanTheSpecAllows() {
    String value = "spiffe://td/" + "a".repeat(SpiffeId.MAX_LENGTH);

    assertThatThrownBy(() -> SpiffeId.parse(value)).hasMessageContaining("expected: at most 2048");
  }

  @Test
  void refusesTrustDomainsLongerThan255Characters() {
    assertThatThrownBy(() -> TrustDomain.of("a".repeat(256)))
        .hasMessageContaining("is 256 characters long (expected: at most 255)");
  }

  @Test
  void componentsAreCheckedWhenBuiltDirectly() {
    assertThatThrownBy(() -> new SpiffeId(TrustDomain.DEFAULT, "ns/a"))
        .hasMessageContaining("does not start with '/'");
    assertThatThrownBy(() -> new SpiffeId(TrustDomain.DEFAULT, "/ns/../a"))
        .hasMessageContaining("'..' segment");
  }

  @Test
  void equalIdsAreEqualValues() {
    assertThat(SpiffeId.parse("spiffe://td/a")).isEqualTo(TrustDomain.of("td").spiffeId("/a"));
  }
}
