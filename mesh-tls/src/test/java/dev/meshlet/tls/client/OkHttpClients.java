package dev.meshlet.tls.client;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** Applies a {@link ClientTls} to an OkHttp client the way the routing module does. */
final class OkHttpClients {

  private OkHttpClients() {}

  static OkHttpClient with(ClientTls tls) {
    OkHttpClient.Builder builder = new OkHttpClient.Builder().callTimeout(10, TimeUnit.SECONDS);
    if (tls.isTls()) {
      builder.sslSocketFactory(tls.sslSocketFactory(), tls.trustManager());
      if (tls.hostnameVerifier() != null) {
        builder.hostnameVerifier(tls.hostnameVerifier());
      }
    }
    return builder.build();
  }

  static String get(OkHttpClient client, String url) throws IOException {
    try (Response response = client.newCall(new Request.Builder().url(url).build()).execute()) {
      return response.code() + " " + response.body().string().trim();
    }
  }
}
