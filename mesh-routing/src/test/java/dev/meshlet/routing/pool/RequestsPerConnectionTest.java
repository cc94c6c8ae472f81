package dev.meshlet.routing.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

class RequestsPerConnectionTest {

  @Test
  void aConnectionIsRetiredAfterMaxRequestsPerConnection() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.start();
      for (int i = 0; i < 5; i++) {
        server.enqueue(new MockResponse.Builder().body("ok").build());
      }
      OkHttpClient client = new OkHttpClient.Builder()
          .addNetworkInterceptor(RequestsPerConnection.fixed(2))
          .build();
      try {
        for (int i = 0; i < 5; i++) {
          try (Response response = client.newCall(new Request.Builder().url(server.url("/")).build()).execute()) {
            assertThat(response.body().string()).isEqualTo("ok");
          }
        }
        List<Integer> connections = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          connections.add(server.takeRequest().getConnectionIndex());
        }
        assertThat(connections).containsExactly(0, 0, 1, 1, 2);
      } finally {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
      }
    }
  }

  @Test
  void withoutALimitConnectionsAreReused() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.start();
      for (int i = 0; i < 3; i++) {
        server.enqueue(new MockResponse.Builder().body("ok").build());
      }
      OkHttpClient client = new OkHttpClient.Builder().addNetworkInterceptor(RequestsPerConnection.fixed(0)).build();
      try {
        for (int i = 0; i < 3; i++) {
          client.newCall(new Request.Builder().url(server.url("/")).build()).execute().close();
        }
        assertThat(List.of(server.takeRequest().getConnectionIndex(), server.takeRequest().getConnectionIndex(),
            server.takeRequest().getConnectionIndex())).containsOnly(0);
      } finally {
        client.connectionPool().evictAll();
      }
    }
  }
}
