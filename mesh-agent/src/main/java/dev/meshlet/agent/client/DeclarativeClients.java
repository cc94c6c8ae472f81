package dev.meshlet.agent.client;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;

/**
 * Makes declarative clients: a proxy of an interface whose methods are annotated {@link GET},
 * {@link POST}, ... with {@link Path}, {@link Query}, {@link Header} and {@link Body} parameters.
 * Every method is checked when the client is made, so a mistake fails at start, not on the first
 * call. A method returns {@code void}, {@code String}, {@code byte[]}, {@link Response} (the
 * caller closes it) or a type Jackson decodes from the JSON body; a status outside 2xx throws
 * {@link HttpStatusException}. Methods that declare no {@link IOException} get I/O failures as
 * {@link UncheckedIOException}.
 */
public final class DeclarativeClients {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}/]+)}");
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
  private static final int MAX_ERROR_BODY = 1024;

  private DeclarativeClients() {}

  /**
   * A client of {@code iface} sending to {@code http://<host>} through {@code client}.
   *
   * @throws IllegalArgumentException naming the method and what is wrong with it
   */
  public static <T> T create(Class<T> iface, String host, OkHttpClient client, ObjectMapper mapper) {
    if (!iface.isInterface()) {
      throw new IllegalArgumentException(iface.getName() + " is not an interface (expected: an interface with @GET/@POST methods)");
    }
    HttpUrl base = HttpUrl.parse("http://" + host + "/");
    if (base == null) {
      throw new IllegalArgumentException("@MeshClient(\"" + host + "\") on " + iface.getName() + ": not a valid host");
    }
    Map<Method, Call> calls = new HashMap<>();
    List<String> problems = new ArrayList<>();
    for (Method m : iface.getMethods()) {
      if (m.isDefault() || Modifier.isStatic(m.getModifiers())) {
        continue;
      }
      try {
        calls.put(m, Call.of(m, base, mapper));
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", problems));
    }
    InvocationHandler handler = (proxy, method, args) -> {
      if (method.getDeclaringClass() == Object.class) {
        return switch (method.getName()) {
          case "equals" -> proxy == args[0];
          case "hashCode" -> System.identityHashCode(proxy);
          default -> "MeshClient[" + iface.getName() + " -> " + host + "]";
        };
      }
      if (method.isDefault()) {
        // invokeDefault needs the interface to be accessible from here; a package-private one
        // (common for clients declared next to their use) is reached through a private lookup.
        java.lang.invoke.MethodHandles.Lookup lookup =
            java.lang.invoke.MethodHandles.privateLookupIn(method.getDeclaringClass(), java.lang.invoke.MethodHandles.lookup());
        return lookup.unreflectSpecial(method, method.getDeclaringClass()).bindTo(proxy)
            .invokeWithArguments(args == null ? new Object[0] : args);
      }
      return Objects.requireNonNull(calls.get(method)).invoke(client, mapper, args == null ? new Object[0] : args);
    };
    return iface.cast(Proxy.newProxyInstance(iface.getClassLoader(), new Class<?>[] {iface}, handler));
  }

  /** One method, checked and prepared once. */
  private record Call(
      Method method, String httpMethod, HttpUrl base, String path, Annotation[] params, JavaType returns,
      boolean throwsIo) {

    static Call of(Method m, HttpUrl base, ObjectMapper mapper) {
      String where = m.getDeclaringClass().getName() + "." + m.getName();
      String verb = null;
      String path = null;
      for (Annotation a : m.getAnnotations()) {
        String v = a instanceof GET g ? g.value() : a instanceof POST p ? p.value() : a instanceof PUT p ? p.value()
            : a instanceof DELETE d ? d.value() : a instanceof PATCH p ? p.value() : null;
        if (v != null) {
          if (verb != null) {
            throw new IllegalArgumentException(where + ": both @" + verb + " and @" + a.annotationType().getSimpleName()
                + " (expected: one HTTP method)");
          }
          verb = a.annotationType().getSimpleName();
          path = v;
        }
      }
      if (verb == null || path == null) {
        throw new IllegalArgumentException(where + ": no @GET, @POST, @PUT, @DELETE or @PATCH (expected: one on each method)");
      }
      if (!path.startsWith("/")) {
        throw new IllegalArgumentException("@" + verb + "(\"" + path + "\") on " + where + ": expected a path starting with /");
      }
      Set<String> placeholders = new LinkedHashSet<>();
      Matcher matcher = PLACEHOLDER.matcher(path);
      while (matcher.find()) {
        placeholders.add(matcher.group(1));
      }
      Parameter[] ps = m.getParameters();
      Annotation[] params = new Annotation[ps.length];
      boolean body = false;
      for (int i = 0; i < ps.length; i++) {
        Annotation a = ps[i].getAnnotation(Path.class);
        a = a != null ? a : ps[i].getAnnotation(Query.class);
        a = a != null ? a : ps[i].getAnnotation(Header.class);
        a = a != null ? a : ps[i].getAnnotation(Body.class);
        if (a == null) {
          throw new IllegalArgumentException(where + ": parameter " + (i + 1) + " has no @Path, @Query, @Header or @Body");
        }
        if (a instanceof Path p && !placeholders.remove(p.value())) {
          throw new IllegalArgumentException("@Path(\"" + p.value() + "\") on " + where + ": no {" + p.value() + "} in \""
              + path + "\"");
        }
        if (a instanceof Body) {
          if (body) {
            throw new IllegalArgumentException(where + ": more than one @Body");
          }
          if (verb.equals("GET")) {
            throw new IllegalArgumentException(where + ": @Body on a @GET (expected: no body on GET)");
          }
          body = true;
        }
        params[i] = a;
      }
      if (!placeholders.isEmpty()) {
        throw new IllegalArgumentException("@" + verb + "(\"" + path + "\") on " + where + ": no @Path parameter for "
            + placeholders);
      }
      boolean throwsIo = false;
      for (Class<?> e : m.getExceptionTypes()) {
        throwsIo |= e.isAssignableFrom(IOException.class);
      }
      return new Call(m, verb, base, path, params, mapper.constructType(m.getGenericReturnType()), throwsIo);
    }

    @Nullable Object invoke(OkHttpClient client, ObjectMapper mapper, Object[] args) throws Exception {
      try {
        return send(client, mapper, args);
      } catch (IOException e) {
        if (throwsIo) {
          throw e;
        }
        throw new UncheckedIOException(e);
      }
    }

    private @Nullable Object send(OkHttpClient client, ObjectMapper mapper, Object[] args) throws IOException {
      String p = path;
      Request.Builder rb = new Request.Builder();
      RequestBody body = null;
      List<String[]> query = new ArrayList<>();
      for (int i = 0; i < params.length; i++) {
        Object arg = args[i];
        Annotation a = params[i];
        if (a instanceof Path pa) {
          if (arg == null) {
            throw new IllegalArgumentException("@Path(\"" + pa.value() + "\") of " + method.getName() + " is null");
          }
          p = p.replace("{" + pa.value() + "}", java.net.URLEncoder.encode(String.valueOf(arg), java.nio.charset.StandardCharsets.UTF_8)
              .replace("+", "%20"));
        } else if (a instanceof Query q && arg != null) {
          query.add(new String[] {q.value(), String.valueOf(arg)});
        } else if (a instanceof Header h && arg != null) {
          rb.header(h.value(), String.valueOf(arg));
        } else if (a instanceof Body) {
          body = arg instanceof byte[] bytes ? RequestBody.create(bytes, JSON)
              : arg instanceof String s ? RequestBody.create(s, JSON)
              : RequestBody.create(mapper.writeValueAsBytes(arg), JSON);
        }
      }
      HttpUrl.Builder url = Objects.requireNonNull(base.resolve(p), p).newBuilder();
      for (String[] q : query) {
        url.addQueryParameter(q[0], q[1]);
      }
      if (body == null && (httpMethod.equals("POST") || httpMethod.equals("PUT") || httpMethod.equals("PATCH"))) {
        body = RequestBody.create(new byte[0], null);
      }
      Request request = rb.url(url.build()).method(httpMethod, body).header("Accept", "application/json").build();
      Response response = client.newCall(request).execute();
      Class<?> raw = returns.getRawClass();
      if (raw == Response.class) {
        return response;
      }
      try (ResponseBody rbody = response.body()) {
        if (!response.isSuccessful()) {
          String text = rbody.string();
          throw new HttpStatusException(httpMethod, request.url().toString(), response.code(),
              text.length() > MAX_ERROR_BODY ? text.substring(0, MAX_ERROR_BODY) : text);
        }
        if (raw == void.class || raw == Void.class) {
          return null;
        }
        if (raw == String.class) {
          return rbody.string();
        }
        if (raw == byte[].class) {
          return rbody.bytes();
        }
        return mapper.readValue(rbody.byteStream(), returns);
      }
    }
  }
}
