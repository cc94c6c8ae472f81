package dev.meshlet.routing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.routing.endpoint.Endpoint;
import java.util.List;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

class EndpointUrlsTest {
  private static final List<String> LOGICAL = List.of(
      "http://reviews:9080/",
      "http://reviews:9080/reviews/0",
      "http://reviews.default.svc.cluster.local/a/b/?x=1&y=&z",
      "http://reviews:9080/caf%C3%A9/a%2Fb/sp%20ace?q=a+b&r=%26%3D&s=%E2%82%AC#frag%20ment",
      "http://reviews:9080/path?",
      "http://user:p%40ss@reviews:9080/secret?k=v",
      "https://reviews:9443/tls/only?x=1",
      "http://reviews:9080/trailing/slash/");

  /** What the URL was before: the logical URL with the endpoint's host and port set by OkHttp's builder. */
  private static HttpUrl viaHostBuilder(HttpUrl url, Endpoint endpoint, boolean tls) {
    HttpUrl.Builder b = url.newBuilder();
    if (tls) {
      b.scheme("https");
    }
    return b.host(endpoint.address()).port(endpoint.port()).build();
  }

  @Test
  void keepsPathQueryFragmentAndCredentialsOfTheLogicalUrl() {
    for (Endpoint endpoint : List.of(Endpoint.of("10.1.2.3", 9080), Endpoint.of("::1", 8443),
        Endpoint.of("fe80::1:2", 80), Endpoint.of("Reviews-V1.Default.svc", 9080))) {
      for (boolean tls : new boolean[] {false, true}) {
        EndpointUrls urls = new EndpointUrls(endpoint);
        for (String s : LOGICAL) {
          HttpUrl url = HttpUrl.get(s);
          HttpUrl dialed = urls.dial(url, tls);
          assertThat(dialed.toString()).as("%s to %s, tls %s", s, endpoint, tls)
              .isEqualTo(viaHostBuilder(url, endpoint, tls).toString());
          assertThat(dialed).isEqualTo(viaHostBuilder(url, endpoint, tls));
          assertThat(dialed.encodedPathSegments()).isEqualTo(url.encodedPathSegments());
          assertThat(dialed.queryParameterNames()).isEqualTo(url.queryParameterNames());
        }
      }
    }
  }

  @Test
  void anIpv6EndpointIsBracketedAndAPlaintextTryKeepsTheApplicationsScheme() {
    EndpointUrls urls = new EndpointUrls(Endpoint.of("2001:db8::7", 9080));
    assertThat(urls.dial(HttpUrl.get("http://reviews:9080/r/1?a=b"), false).toString())
        .isEqualTo("http://[2001:db8::7]:9080/r/1?a=b");
    assertThat(urls.dial(HttpUrl.get("http://reviews:9080/r/1?a=b"), true).toString())
        .isEqualTo("https://[2001:db8::7]:9080/r/1?a=b");
    assertThat(urls.dial(HttpUrl.get("https://reviews/r/2"), false).toString())
        .isEqualTo("https://[2001:db8::7]:9080/r/2");
    assertThat(urls.hostPort()).isEqualTo("[2001:db8::7]:9080").isEqualTo(Endpoint.of("2001:db8::7", 9080).hostPort());
  }

  @Test
  void theSameLogicalUrlAgainReusesTheUrlBuiltLast() {
    EndpointUrls urls = new EndpointUrls(Endpoint.of("10.0.0.7", 9080));
    HttpUrl first = urls.dial(HttpUrl.get("http://reviews:9080/reviews/0"), false);
    assertThat(urls.dial(HttpUrl.get("http://reviews:9080/reviews/0"), false)).isSameAs(first);
    assertThat(urls.dial(HttpUrl.get("http://reviews:9080/reviews/0"), true).isHttps()).isTrue();
    assertThat(urls.dial(HttpUrl.get("http://reviews:9080/reviews/1"), false).toString())
        .isEqualTo("http://10.0.0.7:9080/reviews/1");
  }
}
