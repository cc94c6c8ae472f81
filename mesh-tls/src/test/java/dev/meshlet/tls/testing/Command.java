package dev.meshlet.tls.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a real binary (openssl, curl) with a deadline and returns what it printed. */
public final class Command {

  /** The outcome of a run: exit code and the output of stdout and stderr together. */
  public record Result(int exitCode, String output) {}

  private Command() {}

  public static Result run(Path workDir, List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    try {
      Process process = builder.start();
      process.getOutputStream().close();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("timed out: " + command);
      }
      return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted: " + command, e);
    }
  }

  public static Result run(Path workDir, String... command) {
    return run(workDir, List.of(command));
  }

  /** Runs and fails the test, showing the output, when the exit code is not 0. */
  public static String runOk(Path workDir, String... command) {
    Result result = run(workDir, command);
    if (result.exitCode() != 0) {
      throw new AssertionError(String.join(" ", command) + " exited " + result.exitCode() + ":\n" + result.output());
    }
    return result.output();
  }
}
