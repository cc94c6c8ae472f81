package dev.meshlet.discovery.ca;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.pki.Pem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last certificate issued to each identity, kept in {@code DATA/issued-certificates.jsonl} so that
 * {@code meshctl cert WORKLOAD} answers after a restart too. One JSON line per issuance (identity,
 * serial, not-after, chain), appended and forced before the certificate is handed out; when the
 * file holds many more lines than identities it is rewritten (temporary file, forced, renamed).
 * A torn last line (a crash mid-append) is skipped on load: that certificate was never handed out.
 */
final class IssuanceLog {
  private static final Logger log = LoggerFactory.getLogger(IssuanceLog.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final Map<SpiffeId, CaService.Issued> last = new LinkedHashMap<>();
  private int lines;

  private IssuanceLog(Path file) {
    this.file = file;
  }

  static IssuanceLog open(Path file) throws IOException {
    IssuanceLog l = new IssuanceLog(file);
    if (Files.exists(l.file)) {
      int n = 0;
      for (String line : Files.readAllLines(l.file, StandardCharsets.UTF_8)) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        try {
          JsonNode j = JSON.readTree(line);
          SpiffeId id = SpiffeId.parse(j.path("spiffeId").asText());
          List<X509Certificate> chain = Pem.readCertificates(j.path("chain").asText(), l.file + " line " + n);
          l.last.put(id, new CaService.Issued(id, chain));
          l.lines++;
        } catch (IOException | RuntimeException e) {
          log.warn("{} line {} is damaged, skipped: {}", l.file, n, e.toString());
        }
      }
    }
    return l;
  }

  synchronized Optional<CaService.Issued> last(SpiffeId id) {
    return Optional.ofNullable(last.get(id));
  }

  /** Records {@code issued} durably; only then may the certificate be handed out. */
  synchronized void record(CaService.Issued issued) throws IOException {
    byte[] line = line(issued).getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      ByteBuffer buf = ByteBuffer.wrap(line);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(false);
    }
    last.put(issued.spiffeId(), issued);
    if (++lines > 1000 && lines > 4 * last.size()) {
      rewrite();
    }
  }

  private static String line(CaService.Issued issued) throws IOException {
    X509Certificate leaf = issued.chain().get(0);
    Map<String, String> entry = new LinkedHashMap<>();
    entry.put("spiffeId", issued.spiffeId().toString());
    entry.put("serialNumber", leaf.getSerialNumber().toString(16));
    entry.put("notAfter", leaf.getNotAfter().toInstant().toString());
    entry.put("chain", Pem.certificates(issued.chain()));
    return JSON.writeValueAsString(entry) + "\n";
  }

  private void rewrite() throws IOException {
    StringBuilder all = new StringBuilder();
    for (CaService.Issued i : last.values()) {
      all.append(line(i));
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buf = ByteBuffer.wrap(all.toString().getBytes(StandardCharsets.UTF_8));
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    lines = last.size();
  }
}
