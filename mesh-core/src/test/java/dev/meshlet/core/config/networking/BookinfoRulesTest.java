package dev.meshlet.core.config.networking;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.meshlet.core.config.Kind;
import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.ResourceReport;
import dev.meshlet.core.config.codec.ConfigReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Bookinfo rules of Istio's traffic-management tasks, as the Istio docs give them: each
 * reads, validates without an error or a warning, and keeps every field through a write and a
 * second read.
 */
class BookinfoRulesTest {
  private static final YAMLMapper YAML = new YAMLMapper();

  static String text(String file) {
    try (InputStream in = BookinfoRulesTest.class.getResourceAsStream("/bookinfo/" + file)) {
      assertThat(in).as(file).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static List<ResourceReport> read(String file) {
    return ConfigReader.read(file, text(file));
  }

  @SuppressWarnings("unchecked")
  static <S> Resource<S> only(String file, Class<S> spec) {
    List<ResourceReport> reports = read(file);
    assertThat(reports).hasSize(1);
    return (Resource<S>) reports.get(0).resource().as(spec);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "virtual-service-all-v1.yaml",
      "virtual-service-reviews-test-v2.yaml",
      "virtual-service-reviews-jason-v2-v3.yaml",
      "virtual-service-reviews-50-v3.yaml",
      "virtual-service-reviews-80-20.yaml",
      "virtual-service-reviews-90-10.yaml",
      "virtual-service-reviews-v3.yaml",
      "virtual-service-ratings-test-delay.yaml",
      "virtual-service-ratings-test-abort.yaml",
      "destination-rule-all.yaml",
      "destination-rule-all-mtls.yaml"})
  void readsValidatesAndKeepsEveryField(String file) throws IOException {
    List<ResourceReport> reports = read(file);
    List<JsonNode> originals = new ArrayList<>();
    try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(text(file))) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc != null && !doc.isNull() && !doc.isEmpty()) {
          originals.add(doc);
        }
      }
    }

    assertThat(reports).hasSize(originals.size()).isNotEmpty();
    for (int i = 0; i < reports.size(); i++) {
      ResourceReport report = reports.get(i);
      assertThat(report.problems()).as("%s #%d", file, i).isEmpty();
      assertThat(report.valid()).isTrue();

      Resource<?> resource = report.resource();
      JsonNode written = ConfigReader.toTree(resource);
      // Every field written is one that was read, and the other way round (100.0 and 100 are one number).
      assertThat(written.equals(NUMERIC_EQUAL, originals.get(i))).as("%s\nwritten %s\nread    %s", file, written, originals.get(i)).isTrue();
      ResourceReport again = ConfigReader.readDocument(file, i, written);
      assertThat(again.problems()).isEmpty();
      assertThat(again.resource()).isEqualTo(resource);
    }
  }

  private static final Comparator<JsonNode> NUMERIC_EQUAL = (a, b) -> {
    if (a.isNumber() && b.isNumber()) {
      return Double.compare(a.doubleValue(), b.doubleValue());
    }
    return a.equals(b) ? 0 : 1;
  };

  @Test
  void allV1SendsEveryServiceToItsV1Subset() {
    List<ResourceReport> reports = read("virtual-service-all-v1.yaml");

    assertThat(reports).extracting(ResourceReport::name).containsExactly("productpage", "reviews", "ratings", "details");
    for (ResourceReport r : reports) {
      VirtualService vs = r.resource().as(VirtualService.class).spec();
      assertThat(r.resource().kind()).isEqualTo(Kind.VIRTUAL_SERVICE);
      assertThat(r.resource().apiVersion()).isEqualTo("networking.istio.io/v1");
      assertThat(vs.hosts()).containsExactly(r.name());
      assertThat(vs.http()).singleElement().satisfies(route -> {
        assertThat(route.match()).isEmpty();
        assertThat(route.route()).singleElement()
            .isEqualTo(new HttpRouteDestination(new Destination(r.name(), "v1", null), null, null));
      });
    }
  }

  @Test
  void testV2RoutesJasonToV2AndEveryoneElseToV1() {
    VirtualService vs = only("virtual-service-reviews-test-v2.yaml", VirtualService.class).spec();

    assertThat(vs.http()).hasSize(2);
    assertThat(vs.http().get(0).match()).singleElement()
        .satisfies(m -> assertThat(m.headers()).containsExactly(Map.entry("end-user", StringMatch.exact("jason"))));
    assertThat(vs.http().get(0).route().get(0).destination().subset()).isEqualTo("v2");
    assertThat(vs.http().get(1).match()).isEmpty();
    assertThat(vs.http().get(1).route().get(0).destination().subset()).isEqualTo("v1");
  }

  @Test
  void jasonV2V3SendsEveryoneElseToV3() {
    VirtualService vs = only("virtual-service-reviews-jason-v2-v3.yaml", VirtualService.class).spec();

    assertThat(vs.http().get(0).route().get(0).destination().subset()).isEqualTo("v2");
    assertThat(vs.http().get(1).route().get(0).destination().subset()).isEqualTo("v3");
  }

  @ParameterizedTest
  @ValueSource(strings = {"50-v3:v1:50:v3:50", "80-20:v1:80:v2:20", "90-10:v1:90:v2:10"})
  void weightedRulesSplitBetweenTwoSubsets(String spec) {
    String[] s = spec.split(":");
    VirtualService vs = only("virtual-service-reviews-" + s[0] + ".yaml", VirtualService.class).spec();

    assertThat(vs.http()).singleElement().satisfies(route -> assertThat(route.route()).containsExactly(
        new HttpRouteDestination(new Destination("reviews", s[1], null), Integer.valueOf(s[2]), null),
        new HttpRouteDestination(new Destination("reviews", s[3], null), Integer.valueOf(s[4]), null)));
  }

  @Test
  void v3SendsAllOfReviewsToV3() {
    VirtualService vs = only("virtual-service-reviews-v3.yaml", VirtualService.class).spec();

    assertThat(vs.http().get(0).route()).singleElement().satisfies(d -> {
      assertThat(d.destination().subset()).isEqualTo("v3");
      assertThat(d.weight()).isNull();
    });
  }

  @Test
  void testDelayDelaysJasonsRatingsCallsBySevenSeconds() {
    VirtualService vs = only("virtual-service-ratings-test-delay.yaml", VirtualService.class).spec();

    HttpFaultInjection fault = vs.http().get(0).fault();
    assertThat(fault.abort()).isNull();
    assertThat(fault.delay().fixedDelay()).isEqualTo(Duration.ofSeconds(7));
    assertThat(fault.delay().percentage()).isEqualTo(Percent.of(100.0));
    assertThat(vs.http().get(1).fault()).isNull();
  }

  @Test
  void testAbortAnswersJasonsRatingsCallsWith500() {
    VirtualService vs = only("virtual-service-ratings-test-abort.yaml", VirtualService.class).spec();

    HttpFaultInjection.Abort abort = vs.http().get(0).fault().abort();
    assertThat(abort.httpStatus()).isEqualTo(500);
    assertThat(abort.percentage().value()).isEqualTo(100.0);
    assertThat(vs.http().get(0).match().get(0).headers().get("end-user").exact()).isEqualTo("jason");
  }

  @Test
  void destinationRuleAllDefinesTheVersionSubsets() {
    List<ResourceReport> reports = read("destination-rule-all.yaml");

    assertThat(reports).extracting(ResourceReport::name).containsExactly("productpage", "reviews", "ratings", "details");
    DestinationRule ratings = reports.get(2).resource().as(DestinationRule.class).spec();
    assertThat(ratings.host()).isEqualTo("ratings");
    assertThat(ratings.trafficPolicy()).isNull();
    assertThat(ratings.subsets()).extracting(Subset::name).containsExactly("v1", "v2", "v2-mysql", "v2-mysql-vm");
    assertThat(ratings.subsets().get(3).labels()).containsExactly(Map.entry("version", "v2-mysql-vm"));
  }

  @Test
  void destinationRuleAllMtlsAddsIstioMutualTls() {
    List<ResourceReport> reports = read("destination-rule-all-mtls.yaml");

    assertThat(reports).hasSize(4).allSatisfy(r -> {
      DestinationRule dr = r.resource().as(DestinationRule.class).spec();
      assertThat(dr.trafficPolicy().tls().mode()).isEqualTo(ClientTlsSettings.TlsMode.ISTIO_MUTUAL);
      assertThat(dr.trafficPolicy().loadBalancer()).isNull();
    });
    assertThat(reports.get(1).resource().as(DestinationRule.class).spec().subsets()).hasSize(3);
  }
}
