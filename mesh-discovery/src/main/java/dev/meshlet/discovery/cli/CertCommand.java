package dev.meshlet.discovery.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshlet.discovery.auth.SecretFiles;
import dev.meshlet.tls.identity.TrustDomain;
import dev.meshlet.tls.identity.WorkloadIdentity;
import dev.meshlet.tls.pki.KeyType;
import dev.meshlet.tls.pki.Pem;
import dev.meshlet.tls.workload.CertificateRequests;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code meshctl cert WORKLOAD} and {@code meshctl cert issue}: workload certificates from the mesh CA. */
@Command(name = "cert", mixinStandardHelpOptions = true,
    description = {"Shows the certificate last issued to a workload identity (SERVICE_ACCOUNT, -n NS):"
        + " SPIFFE ID, serial, validity, chain.", "'cert issue' makes one for a person to debug with."},
    subcommands = CertCommand.Issue.class)
final class CertCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @Parameters(index = "0", arity = "0..1", paramLabel = "WORKLOAD", description = "The workload's service account.")
  @Nullable String workload;

  @Option(names = {"-n", "--namespace"}, defaultValue = "default", paramLabel = "NS", description = "Default: ${DEFAULT-VALUE}.")
  String namespace;

  @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "FORMAT", description = "text or json.")
  Format output;

  @Override
  public Integer call() throws Exception {
    if (workload == null) {
      throw new ParameterException(spec.commandLine(), "give a WORKLOAD (its service account), or use 'cert issue'");
    }
    try {
      String body = client.expectOk(client.call("GET", "/v1/certificates/" + namespace + "/" + workload, null));
      PrintWriter out = spec.commandLine().getOut();
      if (output == Format.json) {
        out.println(body.strip());
        return Meshctl.OK;
      }
      JsonNode c = ApplyCommand.tree(body);
      out.println("IDENTITY     " + c.path("spiffeId").asText());
      out.println("SERIAL       " + c.path("serialNumber").asText());
      out.println("NOT BEFORE   " + c.path("notBefore").asText());
      out.println("NOT AFTER    " + c.path("notAfter").asText());
      List<X509Certificate> chain = Pem.readCertificates(c.path("certificateChain").asText(), "chain");
      for (int i = 0; i < chain.size(); i++) {
        X509Certificate x = chain.get(i);
        out.println("CHAIN[" + i + "]     issuer " + x.getIssuerX500Principal().getName() + ", expires "
            + x.getNotAfter().toInstant());
      }
      return Meshctl.OK;
    } finally {
      client.close();
    }
  }

  /** {@code meshctl cert issue SA [-n NS] --out DIR}: a key, its chain and the roots, as PEM files. */
  @Command(name = "issue", mixinStandardHelpOptions = true,
      description = {"Makes a key pair here, has the mesh CA sign it for SERVICE_ACCOUNT (admin only), and writes"
          + " key.pem (0600), cert-chain.pem and root-cert.pem to DIR, so curl or openssl can reach a STRICT service:",
          "  curl --cert DIR/cert-chain.pem --key DIR/key.pem ..."})
  static final class Issue implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;

    @Parameters(index = "0", paramLabel = "SERVICE_ACCOUNT")
    String serviceAccount;

    @Option(names = {"-n", "--namespace"}, defaultValue = "default", paramLabel = "NS", description = "Default: ${DEFAULT-VALUE}.")
    String namespace;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write the PEM files.")
    Path out;

    @Option(names = "--ttl", paramLabel = "SECONDS", description = "Lifetime (default: the CA's, 24 h).")
    @Nullable Long ttlSeconds;

    @Override
    public Integer call() throws Exception {
      try {
        KeyPair keys = KeyType.EC_P256.generate(new SecureRandom());
        WorkloadIdentity id = new WorkloadIdentity(TrustDomain.DEFAULT, namespace, serviceAccount);
        Map<String, Object> request = new HashMap<>();
        request.put("csr", Pem.certificationRequest(CertificateRequests.create(keys, id.spiffeId())));
        request.put("serviceAccount", serviceAccount);
        request.put("namespace", namespace);
        if (ttlSeconds != null) {
          request.put("ttlSeconds", ttlSeconds);
        }
        JsonNode reply = ApplyCommand.tree(client.expectOk(client.call("POST", "/v1/certificates", request)));
        Files.createDirectories(out);
        write(out.resolve("key.pem"), Pem.privateKey(keys.getPrivate()), true);
        write(out.resolve("cert-chain.pem"), reply.path("certificateChain").asText(), false);
        write(out.resolve("root-cert.pem"), reply.path("rootCertificates").asText(), false);
        spec.commandLine().getOut().println(reply.path("spiffeId").asText() + " until " + reply.path("notAfter").asText()
            + ": " + out.resolve("key.pem") + ", " + out.resolve("cert-chain.pem") + ", " + out.resolve("root-cert.pem"));
        return Meshctl.OK;
      } finally {
        client.close();
      }
    }

    private static void write(Path file, String text, boolean secret) throws java.io.IOException {
      if (secret) {
        SecretFiles.write(file, text.getBytes(StandardCharsets.UTF_8), true);
        return;
      }
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.deleteIfExists(tmp);
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
  }
}
