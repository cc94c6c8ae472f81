package dev.meshlet.agent.server.jetty;

import dev.meshlet.tls.authz.RequestHeaders;
import java.util.function.BiConsumer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.jspecify.annotations.Nullable;

/**
 * A Jetty request's headers as the inbound chain reads them, without copying: by index, so a
 * lookup allocates no iterator or list, and listable, so the chain reads the ones it wants in one
 * pass.
 */
final class FieldsHeaders implements RequestHeaders {

  private final HttpFields fields;

  FieldsHeaders(HttpFields fields) {
    this.fields = fields;
  }

  @Override
  public @Nullable String get(String lowerCaseName) {
    String value = null;
    for (int i = 0, n = fields.size(); i < n; i++) {
      HttpField field = fields.getField(i);
      if (field.is(lowerCaseName)) {
        // Sent more than once: joined, as Envoy sees it.
        value = value == null ? field.getValue() : value + "," + field.getValue();
      }
    }
    return value;
  }

  @Override
  public boolean forEach(BiConsumer<String, String> action) {
    for (int i = 0, n = fields.size(); i < n; i++) {
      HttpField field = fields.getField(i);
      action.accept(field.getName(), field.getValue());
    }
    return true;
  }
}
