package dev.meshlet.discovery.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code meshctl} command: its subcommands do the work. */
@Command(
    name = "meshctl",
    mixinStandardHelpOptions = true,
    versionProvider = Meshctl.Version.class,
    description = "Meshlet's command line: check Istio rules and manage a Meshlet mesh.",
    subcommands = {
      ValidateCommand.class,
      ServerCommand.class,
      ApplyCommand.class,
      GetCommand.class,
      DeleteCommand.class,
      ProxyStatusCommand.class,
      ConfigDumpCommand.class,
      TokenCommand.class,
      CertCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Meshctl {
  /** Exit code when everything went well. */
  public static final int OK = 0;
  /** Exit code when the command ran and found something wrong (an invalid resource, a failed call). */
  public static final int FAILURE = 1;
  /** Exit code when the command line itself is wrong. */
  public static final int USAGE = 2;

  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs meshctl with the given streams, as tests and embedding programs do; returns the exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Meshctl());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      err.println("meshctl: " + (e instanceof CliException || e.getMessage() != null ? e.getMessage() : e.toString()));
      return FAILURE;
    });
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Meshctl.class.getPackage().getImplementationVersion();
      return new String[] {"meshctl " + (v == null ? "(development build)" : v)};
    }
  }
}
