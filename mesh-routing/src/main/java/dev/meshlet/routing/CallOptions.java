package dev.meshlet.routing;

import kotlin.jvm.JvmClassMappingKt;
import kotlin.reflect.KClass;
import okhttp3.Request;
import org.jspecify.annotations.Nullable;

/**
 * What the application knows about one request that a proxy cannot: attach it as a tag
 * ({@code request.newBuilder().tag(CallOptions.class, CallOptions.IDEMPOTENT)}).
 *
 * @param idempotent true when the call may safely run twice (a POST with an idempotency key),
 *     false when it must not run twice even though its method says it may; null to decide by
 *     method and route
 */
public record CallOptions(@Nullable Boolean idempotent) {
  /** The call may be retried after it reached the server, whatever its method. */
  public static final CallOptions IDEMPOTENT = new CallOptions(true);

  /** The call must not be retried once it may have reached the server, whatever its method. */
  public static final CallOptions NOT_IDEMPOTENT = new CallOptions(false);

  /** OkHttp's {@code tag(Class)} looks the Kotlin class up on every call; this is it, once. */
  private static final KClass<CallOptions> TAG = JvmClassMappingKt.getKotlinClass(CallOptions.class);

  /** The options tagged on {@code request}, or null. */
  public static @Nullable CallOptions of(Request request) {
    return request.tag(TAG);
  }
}
