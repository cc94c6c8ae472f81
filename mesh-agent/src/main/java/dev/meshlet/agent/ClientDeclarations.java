package dev.meshlet.agent;

import dev.meshlet.core.annotation.ClientDeclaration;
import dev.meshlet.core.annotation.MeshClient;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Finds the {@code @MeshClient} declarations of a type: an annotated interface, or a class's annotated fields. */
final class ClientDeclarations {
  private ClientDeclarations() {}

  /** The declarations on {@code type} (an interface, or a class's fields) into {@code into}, by where. */
  static void collect(Class<?> type, Map<String, ClientDeclaration> into) {
    if (type.isInterface()) {
      ClientDeclaration d = ClientDeclaration.of(type, null, type.getName());
      if (d != null) {
        into.putIfAbsent(d.where(), d);
      }
      return;
    }
    for (Field f : fields(type)) {
      ClientDeclaration d = ClientDeclaration.of(f, null, where(f));
      if (d != null) {
        into.putIfAbsent(d.where(), d);
        if (f.getType().isInterface() && f.getType().getAnnotation(MeshClient.class) != null) {
          collect(f.getType(), into);
        }
      }
    }
  }

  static List<Field> fields(Class<?> type) {
    List<Field> out = new ArrayList<>();
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        if (!Modifier.isStatic(f.getModifiers())) {
          out.add(f);
        }
      }
    }
    return out;
  }

  static String where(Field f) {
    return f.getDeclaringClass().getName() + "." + f.getName();
  }
}
