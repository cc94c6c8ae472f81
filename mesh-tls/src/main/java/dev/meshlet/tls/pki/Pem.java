package dev.meshlet.tls.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.jspecify.annotations.Nullable;

/**
 * Reads and writes PEM: certificates, PKCS#8 and PKCS#1/SEC1 private keys, PKCS#10 requests.
 * Every failure names the source (a file name or what the text is) and what was expected, so
 * that a bad {@code cacerts} file is reported as such, not as a stack trace from a parser.
 */
public final class Pem {

  private static final Base64.Encoder MIME = Base64.getMimeEncoder(64, new byte[] {'\n'});

  private Pem() {}

  public static String certificate(X509Certificate certificate) {
    try {
      return block("CERTIFICATE", certificate.getEncoded());
    } catch (CertificateException e) {
      throw new IllegalArgumentException("cannot encode certificate " + certificate.getSubjectX500Principal(), e);
    }
  }

  public static String certificates(List<X509Certificate> certificates) {
    StringBuilder out = new StringBuilder();
    for (X509Certificate c : certificates) {
      out.append(certificate(c));
    }
    return out.toString();
  }

  /** The key as PKCS#8 {@code PRIVATE KEY}, which openssl, curl and the JDK all read. */
  public static String privateKey(PrivateKey key) {
    byte[] der = key.getEncoded();
    if (der == null) {
      throw new IllegalArgumentException("private key " + key.getAlgorithm() + " cannot be exported");
    }
    return block("PRIVATE KEY", der);
  }

  public static String certificationRequest(byte[] der) {
    return block("CERTIFICATE REQUEST", der);
  }

  /**
   * Reads every certificate in {@code pem}; fails if there is none, or if the text holds
   * something that is not a certificate.
   */
  public static List<X509Certificate> readCertificates(String pem, String source) {
    List<X509Certificate> out = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object o;
      while ((o = next(parser, source)) != null) {
        if (!(o instanceof X509CertificateHolder holder)) {
          throw new IllegalArgumentException("PEM " + source + ": block " + (out.size() + 1) + " is "
              + describe(o) + " (expected: CERTIFICATE)");
        }
        out.add(toX509(holder.getEncoded(), source));
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("PEM " + source + ": " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("PEM " + source
          + ": no certificate found (expected: -----BEGIN CERTIFICATE----- blocks)");
    }
    return List.copyOf(out);
  }

  /** Reads exactly one private key: PKCS#8 {@code PRIVATE KEY}, {@code EC} or {@code RSA PRIVATE KEY}. */
  public static PrivateKey readPrivateKey(String pem, String source) {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object o = next(parser, source);
      if (o == null) {
        throw new IllegalArgumentException("PEM " + source
            + ": no private key found (expected: -----BEGIN PRIVATE KEY----- block)");
      }
      PrivateKeyInfo info;
      if (o instanceof PEMKeyPair pair) {
        info = pair.getPrivateKeyInfo();
      } else if (o instanceof PrivateKeyInfo pki) {
        info = pki;
      } else {
        throw new IllegalArgumentException("PEM " + source + ": holds " + describe(o)
            + " (expected: an unencrypted PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY)");
      }
      if (next(parser, source) != null) {
        throw new IllegalArgumentException("PEM " + source + ": holds more than one block (expected: one private key)");
      }
      // The JDK's providers convert the key; BouncyCastle is only the parser here.
      return new JcaPEMKeyConverter().getPrivateKey(info);
    } catch (IOException e) {
      throw new IllegalArgumentException("PEM " + source + ": not a readable private key: " + e.getMessage(), e);
    }
  }

  /** Reads one PKCS#10 request and returns its DER bytes. */
  public static byte[] readCertificationRequest(String pem, String source) {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object o = next(parser, source);
      if (!(o instanceof PKCS10CertificationRequest csr)) {
        throw new IllegalArgumentException("PEM " + source + ": holds " + describe(o)
            + " (expected: CERTIFICATE REQUEST)");
      }
      return csr.getEncoded();
    } catch (IOException e) {
      throw new IllegalArgumentException("PEM " + source + ": " + e.getMessage(), e);
    }
  }

  static X509Certificate toX509(byte[] der, String source) {
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      return (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException e) {
      throw new IllegalArgumentException("PEM " + source + ": not a valid X.509 certificate: " + e.getMessage(), e);
    }
  }

  private static @Nullable Object next(PEMParser parser, String source) throws IOException {
    try {
      return parser.readObject();
    } catch (RuntimeException e) {
      // BouncyCastle reports bad base64 or ASN.1 as various runtime exceptions.
      throw new IllegalArgumentException("PEM " + source + ": malformed block: " + e.getMessage(), e);
    }
  }

  private static String describe(@Nullable Object o) {
    if (o == null) {
      return "nothing";
    }
    if (o instanceof X509CertificateHolder) {
      return "a CERTIFICATE";
    }
    if (o instanceof PKCS10CertificationRequest) {
      return "a CERTIFICATE REQUEST";
    }
    if (o instanceof PEMKeyPair || o instanceof PrivateKeyInfo) {
      return "a PRIVATE KEY";
    }
    return "a " + o.getClass().getSimpleName();
  }

  private static String block(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + new String(MIME.encode(der), StandardCharsets.US_ASCII)
        + "\n-----END " + type + "-----\n";
  }
}
