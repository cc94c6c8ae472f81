package dev.meshlet.core.config.validation;

import static dev.meshlet.core.config.validation.SecurityDocs.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.core.config.ResourceReport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PeerAuthenticationValidatorTest {
  private static final String KIND = "PeerAuthentication";

  static Stream<Arguments> invalidSpecs() {
    return Stream.of(
        Arguments.of("a mode Istio does not have", """
            mtls:
              mode: BLAH""", "spec.mtls.mode", "is not one of UNSET, DISABLE, PERMISSIVE, STRICT"),
        Arguments.of("a misspelt field", """
            mtls:
              mode: STRICT
              strict: true""", "spec.mtls.strict", "unknown field"),
        Arguments.of("a port that is not a number", """
            selector:
              matchLabels:
                foo: bar
            portLevelMtls:
              acd:
                mode: STRICT""", "spec.portLevelMtls[acd]", "is not a number"),
        Arguments.of("port level mTLS without a selector", """
            portLevelMtls:
              80:
                mode: STRICT""", "spec.portLevelMtls", "requires a selector with labels"),
        Arguments.of("port level mTLS with a selector without labels", """
            selector: {}
            portLevelMtls:
              80:
                mode: STRICT""", "spec.portLevelMtls", "requires a selector with labels"),
        Arguments.of("port level mTLS written empty", """
            selector:
              matchLabels:
                foo: bar
            portLevelMtls: {}""", "spec.portLevelMtls", "must not be empty when set"),
        Arguments.of("port zero", """
            selector:
              matchLabels:
                foo: bar
            portLevelMtls:
              "0":
                mode: STRICT""", "spec.portLevelMtls[0]", "must be in range 1..65535"),
        Arguments.of("a port above 65535", """
            selector:
              matchLabels:
                foo: bar
            portLevelMtls:
              "42949672":
                mode: STRICT""", "spec.portLevelMtls[42949672]", "must be in range 1..65535"),
        Arguments.of("a wildcard in a selector key", """
            selector:
              matchLabels:
                "app*": bar""", "spec.selector.matchLabels[app*]", "wildcard is not supported in selector"),
        Arguments.of("a wildcard in a selector value", """
            selector:
              matchLabels:
                app: "fin*\"""", "spec.selector.matchLabels[app]", "wildcard is not supported in selector"),
        Arguments.of("an empty selector key", """
            selector:
              matchLabels:
                "": bar""", "spec.selector.matchLabels[]", "empty key"),
        Arguments.of("a selector value longer than 63", """
            selector:
              matchLabels:
                app: "%s\"""".formatted("a".repeat(64)), "spec.selector.matchLabels[app]", "at most 63"),
        Arguments.of("a mode of the wrong type", """
            mtls: STRICT""", "spec.mtls", "is not an object"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSpecs")
  void refusesWhatIstioRefusesWithTheFieldPath(String name, String spec, String path, String fragment) {
    assertError(SecurityDocs.read(KIND, spec), path, fragment);
  }

  @Test
  void refusesTheDryRunAnnotationWhichOnlyAuthorizationPoliciesTake() {
    ResourceReport report = SecurityDocs.readWithAnnotations(KIND, "istio.io/dry-run: \"true\"", "mtls:\n  mode: STRICT");

    assertError(report, "metadata.annotations[istio.io/dry-run]", "unsupported annotation istio.io/dry-run");
  }

  @Test
  void acceptsPortLevelMtlsWithASelectorAndAnyModeIncludingUnset() {
    ResourceReport report = SecurityDocs.read(KIND, """
        selector:
          matchLabels:
            app: finance
        mtls: {}
        portLevelMtls:
          1:
            mode: PERMISSIVE
          65535:
            mode: UNSET
          8080: {}""");

    assertThat(report.problems()).isEmpty();
  }

  @Test
  void acceptsAnEmptySpecAsInheritingEverything() {
    ResourceReport report = SecurityDocs.read(KIND, "{}");

    assertThat(report.problems()).isEmpty();
  }

  @Test
  void warnsOfASelectorWithoutLabelsButAcceptsIt() {
    ResourceReport report = SecurityDocs.read(KIND, "selector: {}\nmtls:\n  mode: DISABLE");

    assertThat(report.valid()).isTrue();
    assertThat(SecurityDocs.warningPaths(report)).containsExactly("spec.selector");
  }
}
