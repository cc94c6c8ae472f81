package dev.meshlet.discovery.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshlet.core.protocol.ProtocolJson;
import dev.meshlet.discovery.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.RequestBody;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigApiTest {
  static final String RULES = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: reviews
      spec:
        hosts: [reviews]
        http:
        - route:
          - destination: {host: reviews, subset: v1}
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: reviews
      spec:
        host: reviews
        subsets:
        - name: v1
          labels: {version: v1}
      """;

  @TempDir Path dir;
  TestServer server;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start(dir);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void applyIsAllOrNothingAndAnswersEveryErrorWithWhereItIs() throws Exception {
    String batch = RULES + """
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: broken
        spec:
          host: ratings
          bogus: 1
        ---
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata:
          name: gw
        spec: {}
        """;

    TestServer.Reply reply = server.apply(batch);

    assertThat(reply.status()).isEqualTo(422);
    JsonNode json = reply.json();
    assertThat(json.path("error").asText()).contains("2 of 4").contains("nothing was applied");
    List<String> problems = new ArrayList<>();
    json.path("problems").forEach(p -> problems.add(p.path("file").asText() + "|" + p.path("kind").asText() + "|"
        + p.path("name").asText() + "|" + p.path("path").asText() + "|" + p.path("message").asText()));
    assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("test.yaml|DestinationRule|broken|spec.bogus|"));
    assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("test.yaml|Gateway|gw|kind|").contains("not supported"));
    assertThat(server.version()).isZero();
    assertThat(server.call("GET", "/v1/config/VirtualService", server.admin(), null).json().path("items")).isEmpty();
  }

  @Test
  void applyThenGetAndDeleteWithAVersionThatGrowsWithEveryChange() throws Exception {
    TestServer.Reply first = server.apply(RULES);
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.json().path("version").asLong()).isEqualTo(1);
    assertThat(first.json().path("resources").findValuesAsText("action")).containsOnly("created");

    TestServer.Reply again = server.apply(RULES);
    assertThat(again.json().path("version").asLong()).as("an unchanged apply makes no version").isEqualTo(1);
    assertThat(again.json().path("resources").findValuesAsText("action")).containsOnly("unchanged");

    TestServer.Reply changed = server.apply(RULES.replace("subset: v1", "subset: v2").replace("name: v1", "name: v2"));
    assertThat(changed.json().path("version").asLong()).isEqualTo(2);
    assertThat(changed.json().path("resources").findValuesAsText("action")).containsOnly("configured");

    JsonNode vs = server.call("GET", "/v1/config/vs/default/reviews", server.admin(), null).json();
    assertThat(vs.path("items").get(0).path("spec").path("http").get(0).path("route").get(0)
        .path("destination").path("subset").asText()).isEqualTo("v2");

    TestServer.Reply deleted = server.call("DELETE", "/v1/config/VirtualService/default/reviews", server.admin(), null);
    assertThat(deleted.json().path("version").asLong()).isEqualTo(3);
    assertThat(server.call("GET", "/v1/config/vs/default/reviews", server.admin(), null).status()).isEqualTo(404);
    assertThat(server.call("DELETE", "/v1/config/vs/default/reviews", server.admin(), null).status()).isEqualTo(404);
  }

  @Test
  void severalFilesApplyAsOneBatchAndErrorsNameTheirFile() throws Exception {
    String body = ProtocolJson.write(Map.of("files", List.of(
        Map.of("name", "good.yaml", "content", RULES),
        Map.of("name", "bad.yaml", "content", "kind: VirtualService\n"))));

    TestServer.Reply reply = server.call("POST", "/v1/config", server.admin(), RequestBody.create(body, TestServer.JSON));

    assertThat(reply.status()).isEqualTo(422);
    assertThat(reply.json().path("problems").findValuesAsText("file")).containsOnly("bad.yaml");
    assertThat(server.version()).isZero();
  }

  @Test
  void noWriteWithoutTheAdminCredential() throws Exception {
    RequestBody yaml = RequestBody.create(RULES, TestServer.YAML);

    TestServer.Reply anonymous = server.call("POST", "/v1/config", null, yaml);
    TestServer.Reply wrong = server.call("POST", "/v1/config", "mla_not-the-token", yaml);
    TestServer.Reply workload = server.call("POST", "/v1/config", server.token("reviews", "default"), yaml);
    TestServer.Reply delete = server.call("DELETE", "/v1/config/vs/default/reviews", null, null);
    TestServer.Reply token = server.call("POST", "/v1/tokens", null,
        RequestBody.create("{\"serviceAccount\":\"x\"}", TestServer.JSON));

    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.json().path("error").asText()).contains("needs a credential").contains("Authorization: Bearer");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(workload.status()).isEqualTo(403);
    assertThat(workload.json().path("error").asText()).contains("admin token").contains("cluster.local/ns/default/sa/reviews");
    assertThat(delete.status()).isEqualTo(401);
    assertThat(token.status()).isEqualTo(401);
    assertThat(server.version()).as("only the token grant was written").isEqualTo(1);
  }

  @Test
  void theAdminTokenFileIsReadableByItsOwnerOnly() throws Exception {
    assertThat(Files.getPosixFilePermissions(dir.resolve("admin-token")))
        .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    assertThat(Files.readString(dir.resolve("admin-token")).trim()).isEqualTo(server.admin());
  }

  @Test
  void aRestartKeepsEverythingThatWasAcknowledged() throws Exception {
    server.apply(RULES);
    String token = server.token("reviews", "default");
    var lease = server.register(token, TestServer.workload("reviews", "default", "10.0.0.1", Map.of("version", "v1")));
    server.call("DELETE", "/v1/config/DestinationRule/default/reviews", server.admin(), null);
    long version = server.version();
    String admin = server.admin();
    server.close();

    server = TestServer.start(dir);

    assertThat(server.admin()).isEqualTo(admin);
    assertThat(server.version()).isEqualTo(version);
    assertThat(server.call("GET", "/v1/config/vs", server.admin(), null).json().path("items")).hasSize(1);
    assertThat(server.call("GET", "/v1/config/dr", server.admin(), null).json().path("items")).isEmpty();
    assertThat(server.call("POST", "/v1/registrations/" + lease.leaseId() + "/renew", token, RequestBody.create(new byte[0]))
        .status()).as("the registration and the token survive").isEqualTo(200);
  }
}
