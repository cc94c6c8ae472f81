package dev.meshlet.benchmarks.push;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshlet.agent.discovery.ApplyOutcome;
import dev.meshlet.agent.discovery.CentralView;
import dev.meshlet.agent.discovery.DiscoveryAgent;
import dev.meshlet.agent.discovery.DiscoveryConfig;
import dev.meshlet.core.protocol.ProtocolJson;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * One agent's memory for a view of N services: a server in a child JVM holds N services in the
 * agent's namespace (one endpoint and one VirtualService each); this JVM's heap after GC
 * (MemoryMXBean, after System.gc()) is read before the agent starts and once it holds the view,
 * with the listener keeping the view as the Mesh does.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.meshlet.benchmarks.push.AgentMemoryMain 1000</pre>
 */
public final class AgentMemoryMain {
  private static final MediaType JSON = MediaType.get("application/json");

  private AgentMemoryMain() {}

  public static void main(String[] args) throws Exception {
    int services = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    Path work = Files.createTempDirectory("meshlet-agent-memory");
    OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(60)).build();
    ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor();
    try (ServerProcess server = ServerProcess.start(work.resolve("data"))) {
      StringBuilder yaml = new StringBuilder();
      List<String> leases = new java.util.concurrent.CopyOnWriteArrayList<>();
      // Keep the N registrations alive (30 s leases) while the agent is measured.
      renewer.scheduleWithFixedDelay(() -> leases.forEach(l -> {
        try {
          post(http, server, "/v1/registrations/" + l + "/renew", "", JSON);
        } catch (IOException e) {
          System.err.println("renew " + l + ": " + e.getMessage());
        }
      }), 5, 5, TimeUnit.SECONDS);

      for (int i = 0; i < services; i++) {
        yaml.append("""
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: svc-%1$d, namespace: default}
            spec:
              hosts: [svc-%1$d]
              http:
              - route: [{destination: {host: svc-%1$d}}]
                timeout: 2s
            ---
            """.formatted(i));
        JsonNode lease = post(http, server, "/v1/registrations", ProtocolJson.write(Map.of("service", "svc-" + i,
            "address", "10.2." + (i / 250) + "." + (i % 250 + 1), "ports", Map.of("http", 9080),
            "labels", Map.of("app", "svc-" + i, "version", "v1"))), JSON);
        leases.add(lease.path("leaseId").asText());
      }
      post(http, server, "/v1/config?source=services.yaml", yaml.toString(), MediaType.get("application/yaml"));
      String token = post(http, server, "/v1/tokens",
          ProtocolJson.write(Map.of("serviceAccount", "client", "namespace", "default")), JSON).path("token").asText();

      MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
      long before = heapAfterGc(memory);
      AtomicReference<CentralView> kept = new AtomicReference<>();
      DiscoveryConfig config = DiscoveryConfig.builder().servers(server.url).token(token)
          .identity("client", "default", "client").address("10.3.0.1").ports(Map.of("http", 9080)).build();
      try (DiscoveryAgent agent = DiscoveryAgent.builder(config, view -> {
        kept.set(view);
        return ApplyOutcome.applied();
      }).httpClient(http).start()) {
        CentralView view = agent.awaitView(Duration.ofSeconds(60));
        long after = heapAfterGc(memory);
        System.out.printf(Locale.ROOT, "one agent holding a view of %d services (%d resources, %d endpoints):"
                + " %.1f MiB of heap after GC (%.1f MiB before it started, %.1f MiB after)%n",
            services, view.resources().size(), view.endpoints().size(), (after - before) / 1048576.0,
            before / 1048576.0, after / 1048576.0);
      }
    } finally {
      renewer.shutdownNow();
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }

  private static long heapAfterGc(MemoryMXBean memory) throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  private static JsonNode post(OkHttpClient http, ServerProcess server, String path, String body, MediaType type)
      throws IOException {
    Request req = new Request.Builder().url(server.url + path).header("Authorization", "Bearer " + server.adminToken)
        .post(RequestBody.create(body, type)).build();
    try (Response r = http.newCall(req).execute()) {
      String text = r.body().string();
      if (!r.isSuccessful()) {
        throw new IOException(path + ": HTTP " + r.code() + " " + text);
      }
      return ProtocolJson.mapper().readTree(text);
    }
  }
}
