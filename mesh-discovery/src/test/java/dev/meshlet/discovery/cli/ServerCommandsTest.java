package dev.meshlet.discovery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.core.protocol.LeaseGrant;
import dev.meshlet.discovery.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerCommandsTest {
  static final String RULES = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: reviews
      spec:
        hosts: [reviews]
        http:
        - route:
          - destination: {host: reviews}
      """;

  @TempDir Path dir;
  @TempDir Path work;
  TestServer server;

  record Run(int code, String out, String err) {}

  static Run meshctl(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Meshctl.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Run(code, out.toString(), err.toString());
  }

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start(dir);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void applyGetAndDeleteFindTheServerAndTokenInTheDataDirectoryWithOptionsInAnyOrder() throws Exception {
    Path rules = Files.writeString(work.resolve("rules.yaml"), RULES);

    Run apply = meshctl("apply", "-f", rules.toString(), "--server", server.url(), "--data", dir.toString());
    Run again = meshctl("apply", "--data", dir.toString(), "-f", rules.toString());
    Run table = meshctl("get", "vs", "--data", dir.toString());
    Run yaml = meshctl("get", "--data", dir.toString(), "virtualservice", "reviews", "-o", "yaml");
    Run json = meshctl("get", "vs", "-n", "default", "-o", "json", "--data", dir.toString());
    Run delete = meshctl("delete", "vs", "reviews", "--data", dir.toString());
    Run gone = meshctl("get", "vs", "reviews", "--data", dir.toString());

    assertThat(apply.code()).as(apply.err()).isZero();
    assertThat(apply.out()).contains("VirtualService default/reviews created").contains("version 1");
    assertThat(again.out()).contains("VirtualService default/reviews unchanged").contains("version 1");
    assertThat(table.out()).containsPattern("NAMESPACE\\s+NAME").containsPattern("default\\s+reviews");
    assertThat(yaml.out()).contains("kind: VirtualService").contains("name: reviews").contains("host: reviews");
    assertThat(json.code()).isZero();
    assertThat(json.out()).contains("\"kind\" : \"VirtualService\"");
    assertThat(delete.out()).contains("VirtualService default/reviews deleted (version 2)");
    assertThat(gone.code()).isEqualTo(Meshctl.FAILURE);
    assertThat(gone.err()).contains("VirtualService default/reviews not found");
  }

  @Test
  void aRefusedApplyListsEveryProblemChangesNothingAndExitsOne() throws Exception {
    Path bad = Files.writeString(work.resolve("bad.yaml"), RULES + """
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: x}
        spec: {host: x, nope: 1}
        """);

    Run run = meshctl("apply", "-f", bad.toString(), "--data", dir.toString());
    Run json = meshctl("apply", "-f", bad.toString(), "--data", dir.toString(), "-o", "json");

    assertThat(run.code()).isEqualTo(Meshctl.FAILURE);
    assertThat(run.out()).contains(bad + ": DestinationRule default/x: spec.nope: unknown field");
    assertThat(run.err()).contains("nothing was applied");
    assertThat(json.out()).contains("\"path\":\"spec.nope\"");
    assertThat(server.version()).isZero();
  }

  @Test
  void withoutTheAdminTokenAWriteIsRefusedWithAClearMessage() throws Exception {
    Path rules = Files.writeString(work.resolve("rules.yaml"), RULES);
    Path wrong = Files.writeString(work.resolve("token"), "mla_wrong\n");

    Run anonymous = meshctl("apply", "-f", rules.toString(), "--server", server.url());
    Run withWrong = meshctl("apply", "-f", rules.toString(), "--server", server.url(), "--token-file", wrong.toString());
    Run withRight = meshctl("apply", "-f", rules.toString(), "--server", server.url(),
        "--token-file", dir.resolve("admin-token").toString());

    assertThat(anonymous.code()).isEqualTo(Meshctl.FAILURE);
    assertThat(anonymous.err()).contains("needs a credential").contains("--token-file");
    assertThat(withWrong.code()).isEqualTo(Meshctl.FAILURE);
    assertThat(withRight.code()).isZero();
  }

  @Test
  void tokenCreatePrintsATokenThatRegistersAsThatIdentityOnly() throws Exception {
    Run run = meshctl("token", "create", "reviews", "--namespace", "shop", "--data", dir.toString());

    assertThat(run.code()).isZero();
    String token = run.out().strip();
    assertThat(token).startsWith("mlb_").doesNotContain("\n");
    assertThat(run.err()).contains("cluster.local/ns/shop/sa/reviews");
    LeaseGrant lease = server.register(token, TestServer.workload("reviews", "shop", "10.0.0.1", Map.of()));
    assertThat(lease.leaseId()).isNotBlank();
  }

  @Test
  void badCommandLinesExitTwoAndAnUnreachableServerExitsOne() throws Exception {
    assertThat(meshctl("get", "gateway", "--data", dir.toString()).code()).isEqualTo(Meshctl.USAGE);
    assertThat(meshctl("apply", "--data", dir.toString()).code()).isEqualTo(Meshctl.USAGE);
    assertThat(meshctl("apply", "-f", work.resolve("missing.yaml").toString(), "--data", dir.toString()).code())
        .isEqualTo(Meshctl.USAGE);
    Run unreachable = meshctl("proxy-status", "--server", "http://127.0.0.1:1", "--token-file", dir.resolve("admin-token").toString());
    assertThat(unreachable.code()).isEqualTo(Meshctl.FAILURE);
    assertThat(unreachable.err()).contains("cannot reach the server at http://127.0.0.1:1/");
  }
}
