package dev.meshlet.discovery.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretFilesTest {
  @TempDir Path dir;

  @Test
  void aSecretIsReadableByItsOwnerOnlyAndLeavesNoTemporaryFile() throws Exception {
    Path file = dir.resolve("admin-token");

    assertThat(SecretFiles.write(file, "s3cret\n".getBytes(StandardCharsets.UTF_8), false)).isTrue();

    assertThat(Files.readString(file)).isEqualTo("s3cret\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(dir.resolve("admin-token.tmp")).doesNotExist();
  }

  @Test
  void withoutReplaceAnExistingSecretIsKept() throws Exception {
    Path file = dir.resolve("admin-token");
    SecretFiles.write(file, "first".getBytes(StandardCharsets.UTF_8), false);

    assertThat(SecretFiles.write(file, "second".getBytes(StandardCharsets.UTF_8), false)).isFalse();
    assertThat(Files.readString(file)).isEqualTo("first");
    assertThat(dir.resolve("admin-token.tmp")).doesNotExist();

    assertThat(SecretFiles.write(file, "third".getBytes(StandardCharsets.UTF_8), true)).isTrue();
    assertThat(Files.readString(file)).isEqualTo("third");
  }
}
