package dev.meshlet.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.routing.testing.Backend;
import dev.meshlet.routing.testing.MeshFixture;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Cookie;
import okhttp3.CookieJar;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What happens around a call: the listener hears it, cancelling stops it, hashing keeps it sticky, cookies follow it. */
class CallLifecycleTest {
  private static final String REVIEWS = "reviews.default.svc.cluster.local";
  private final MeshFixture mesh = new MeshFixture();
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void close() throws Exception {
    release.countDown();
    mesh.close();
  }

  @Test
  void theListenerHearsEachAttemptAndTheCall() throws Exception {
    AtomicInteger n = new AtomicInteger();
    mesh.backend(REVIEWS, "reviews").respond(r -> new MockResponse.Builder()
        .code(n.incrementAndGet() == 1 ? 503 : 200).body("x").build());
    List<MeshCallListener.Attempt> attempts = new CopyOnWriteArrayList<>();
    List<MeshCallListener.Call> calls = new CopyOnWriteArrayList<>();
    mesh.start(CallerIdentity.of("productpage", "default"), 1, b -> b.listener(new MeshCallListener() {
      @Override
      public void onAttempt(Attempt attempt) {
        attempts.add(attempt);
      }

      @Override
      public void onCall(Call call) {
        calls.add(call);
      }
    }));
    assertThat(mesh.get("http://reviews/r").code()).isEqualTo(200);
    assertThat(attempts).extracting(MeshCallListener.Attempt::status).containsExactly(503, 200);
    assertThat(attempts).extracting(MeshCallListener.Attempt::number).containsExactly(1, 2);
    assertThat(attempts.get(0).endpoint()).startsWith("127.0.0.1:");
    assertThat(calls).singleElement().satisfies(c -> {
      assertThat(c.status()).isEqualTo(200);
      assertThat(c.attempts()).isEqualTo(2);
      assertThat(c.route()).isEqualTo("default");
      assertThat(c.destination()).isEqualTo("outbound|80||" + REVIEWS);
      assertThat(c.flags()).isEmpty();
    });
  }

  @Test
  void cancellingTheApplicationsCallCancelsTheAttemptInFlight() throws Exception {
    CountDownLatch arrived = new CountDownLatch(1);
    mesh.backend(REVIEWS, "reviews").respond(r -> {
      arrived.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new MockResponse.Builder().body("late").build();
    });
    mesh.start();
    Call call = mesh.client().newCall(new Request.Builder().url("http://reviews/r").build());
    CompletableFuture<IOException> failed = new CompletableFuture<>();
    call.enqueue(new Callback() {
      @Override
      public void onFailure(Call c, IOException e) {
        failed.complete(e);
      }

      @Override
      public void onResponse(Call c, Response r) {
        r.close();
        failed.complete(null);
      }
    });
    assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();
    call.cancel();
    assertThat(failed.get(5, TimeUnit.SECONDS)).isNotNull();
  }

  @Test
  void consistentHashingKeepsEachUserOnOneEndpoint() throws Exception {
    List<Backend> backends = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      backends.add(mesh.backend(REVIEWS, "r" + i));
    }
    mesh.config("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: default}
        spec:
          host: reviews
          trafficPolicy: {loadBalancer: {consistentHash: {httpHeaderName: x-user}}}
        """).start();
    Map<String, Set<String>> seen = new HashMap<>();
    for (int u = 0; u < 20; u++) {
      for (int k = 0; k < 3; k++) {
        String body = mesh.call(new Request.Builder().url("http://reviews/r").header("x-user", "user-" + u).build())
            .body().string();
        seen.computeIfAbsent("user-" + u, x -> new HashSet<>()).add(body);
      }
    }
    assertThat(seen.values()).allSatisfy(s -> assertThat(s).hasSize(1));
    assertThat(seen.values().stream().flatMap(Set::stream).distinct().count()).as("users spread").isGreaterThan(1);
  }

  @Test
  void aHashCookieIsSetOnceAndSentBackThroughTheApplicationsCookieJar() throws Exception {
    mesh.backend(REVIEWS, "a");
    Backend b = mesh.backend(REVIEWS, "b");
    mesh.config("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: default}
        spec:
          host: reviews
          trafficPolicy: {loadBalancer: {consistentHash: {httpCookie: {name: session, ttl: 60s}}}}
        """);
    Map<String, List<Cookie>> jar = new HashMap<>();
    CookieJar cookies = new CookieJar() {
      @Override
      public void saveFromResponse(HttpUrl url, List<Cookie> list) {
        jar.put(url.host(), list);
      }

      @Override
      public List<Cookie> loadForRequest(HttpUrl url) {
        return jar.getOrDefault(url.host(), List.of());
      }
    };
    mesh.start(CallerIdentity.of("productpage", "default"), 1, x -> {}, new OkHttpClient.Builder().cookieJar(cookies));
    Response first = mesh.get("http://reviews/r");
    assertThat(first.header("Set-Cookie")).startsWith("session=");
    assertThat(jar.get("reviews")).extracting(Cookie::name).containsExactly("session");
    String stuck = first.body().string();
    for (int i = 0; i < 10; i++) {
      Response r = mesh.get("http://reviews/r");
      assertThat(r.body().string()).isEqualTo(stuck);
      assertThat(r.header("Set-Cookie")).isNull();
    }
    assertThat(b.received()).allSatisfy(rr -> {
      if (rr != b.received().get(0) || !stuck.equals("b")) {
        assertThat(rr.getHeaders().get("Cookie")).startsWith("session=");
      }
    });
  }

  @Test
  void aMeshCallIsOneOkHttpCallOfTheApplicationRetriesIncluded() throws Exception {
    AtomicInteger n = new AtomicInteger();
    mesh.backend(REVIEWS, "reviews").respond(r -> new MockResponse.Builder()
        .code(n.incrementAndGet() == 1 ? 503 : 200).body("x").build());
    List<String> events = new CopyOnWriteArrayList<>();
    okhttp3.EventListener recorder = new okhttp3.EventListener() {
      @Override
      public void callStart(Call call) {
        events.add("callStart " + call.request().url().host());
      }

      @Override
      public void requestHeadersEnd(Call call, Request request) {
        events.add("request " + request.url().host() + " " + request.url().encodedPath());
      }
    };
    mesh.start(CallerIdentity.of("productpage", "default"), 1, x -> {},
        new OkHttpClient.Builder().eventListener(recorder));
    try (Response r = mesh.get("http://reviews/r?q=1")) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.request().url().toString()).isEqualTo("http://reviews/r?q=1");
    }
    // The application's listener sees its one call, and both tries on it, sent to the endpoint's address.
    assertThat(events).containsExactly("callStart reviews", "request 127.0.0.1 /r", "request 127.0.0.1 /r");
  }

  @Test
  void theRouteTimeoutStopsATryOnTheApplicationsCallWhileTheBodyIsRead() throws Exception {
    // Nine bytes, one every two seconds: 18 s to read, under OkHttp's 10 s read timeout per byte.
    mesh.backend(REVIEWS, "reviews").respond(r -> new MockResponse.Builder()
        .body("slow body").throttleBody(1, 2, TimeUnit.SECONDS).build());
    mesh.config("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews]
          http:
          - route: [{destination: {host: reviews}}]
            timeout: 1s
        """);
    mesh.start();
    long started = System.nanoTime();
    // On a busy machine the deadline may pass before the headers (UT) or while the body is read.
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
      try (Response r = mesh.get("http://reviews/r")) {
        r.body().string();
      }
    }).isInstanceOf(IOException.class);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(10_000);
  }
}
