package dev.meshlet.core.config.codec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** Which files of a directory hold config: {@code *.yaml}, {@code *.yml} and {@code *.json}. */
public final class ConfigFiles {
  private ConfigFiles() {}

  public static boolean isConfigFile(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return !name.startsWith(".") && (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json"));
  }

  /** The config files directly in {@code dir} (or below it, when {@code recursive}), sorted by path. */
  public static List<Path> in(Path dir, boolean recursive) {
    try (Stream<Path> files = recursive ? Files.walk(dir) : Files.list(dir)) {
      return files.filter(Files::isRegularFile).filter(ConfigFiles::isConfigFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }
}
