package dev.meshlet.benchmarks.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.jspecify.annotations.Nullable;

/**
 * A throwaway certificate authority for the benchmark: it issues a server and a client workload
 * certificate (ECDSA P-256, SPIFFE URI plus {@code localhost} and {@code 127.0.0.1} SANs) and
 * writes them as PKCS#12 stores for JSSE and PEM files for HAProxy. Test material only; the
 * benchmark switches to mesh-tls's CA once that lands in main.
 *
 * <p>BouncyCastle builds the certificates but is never registered as a JCE provider: signing
 * runs on the JDK's own providers.
 */
public final class BenchPki {
  /** Password of the generated PKCS#12 stores; they hold throwaway keys on a temp dir. */
  public static final char[] STORE_PASSWORD = "meshlet-bench".toCharArray();
  public static final String CA_PEM = "ca.pem";
  public static final String SERVER_PEM = "server.pem";
  public static final String CLIENT_PEM = "client.pem";
  public static final String SERVER_P12 = "server.p12";
  public static final String CLIENT_P12 = "client.p12";
  public static final String TRUST_P12 = "trust.p12";

  private BenchPki() {}

  /** Creates the CA and both workload certificates in {@code dir}. */
  public static void generate(Path dir) throws IOException, GeneralSecurityException {
    Files.createDirectories(dir);
    SecureRandom random = new SecureRandom();
    Instant now = Instant.now();
    KeyPair caKeys = ecKeys(random);
    X500Name caName = new X500Name("O=meshlet-bench,CN=meshlet-bench CA");
    X509Certificate ca = issue(caName, caKeys, caName, caKeys.getPublic(), null, true, now, random);
    KeyPair serverKeys = ecKeys(random);
    X509Certificate server = issue(caName, caKeys, new X500Name("O=meshlet-bench,CN=bench-server"),
        serverKeys.getPublic(), "spiffe://cluster.local/ns/default/sa/bench-server", false, now, random);
    KeyPair clientKeys = ecKeys(random);
    X509Certificate client = issue(caName, caKeys, new X500Name("O=meshlet-bench,CN=bench-client"),
        clientKeys.getPublic(), "spiffe://cluster.local/ns/default/sa/bench-client", false, now, random);

    writePem(dir.resolve(CA_PEM), ca);
    writePem(dir.resolve(SERVER_PEM), server, ca, serverKeys.getPrivate());
    writePem(dir.resolve(CLIENT_PEM), client, ca, clientKeys.getPrivate());
    writeP12(dir.resolve(SERVER_P12), "server", serverKeys.getPrivate(), server, ca);
    writeP12(dir.resolve(CLIENT_P12), "client", clientKeys.getPrivate(), client, ca);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca);
    try (OutputStream out = Files.newOutputStream(dir.resolve(TRUST_P12))) {
      trust.store(out, STORE_PASSWORD);
    }
  }

  /** Loads a PKCS#12 store written by {@link #generate}. */
  public static KeyStore load(Path file) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, STORE_PASSWORD);
    }
    return store;
  }

  /** An SSLContext presenting the identity in {@code keyStoreFile} and trusting only the bench CA. */
  public static SSLContext sslContext(Path dir, String keyStoreFile) throws IOException, GeneralSecurityException {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(load(dir.resolve(keyStoreFile)), STORE_PASSWORD);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), trustManagerFactory(dir).getTrustManagers(), new SecureRandom());
    return context;
  }

  /** The trust manager that accepts only certificates of the bench CA. */
  public static X509TrustManager trustManager(Path dir) throws IOException, GeneralSecurityException {
    return (X509TrustManager) trustManagerFactory(dir).getTrustManagers()[0];
  }

  private static TrustManagerFactory trustManagerFactory(Path dir) throws IOException, GeneralSecurityException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(load(dir.resolve(TRUST_P12)));
    return tmf;
  }

  private static KeyPair ecKeys(SecureRandom random) throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), random);
    return generator.generateKeyPair();
  }

  private static X509Certificate issue(X500Name issuer, KeyPair issuerKeys, X500Name subject,
      java.security.PublicKey subjectKey, @Nullable String spiffeId, boolean isCa, Instant now, SecureRandom random)
      throws GeneralSecurityException, IOException {
    JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
        new BigInteger(64, random).abs().add(BigInteger.ONE),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))),
        subject, subjectKey);
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
    builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKey));
    builder.addExtension(Extension.authorityKeyIdentifier, false,
        utils.createAuthorityKeyIdentifier(issuerKeys.getPublic()));
    if (isCa) {
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } else {
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
          new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
          new GeneralName(GeneralName.uniformResourceIdentifier, java.util.Objects.requireNonNull(spiffeId)),
          new GeneralName(GeneralName.dNSName, "localhost"),
          new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
    }
    try {
      ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate());
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  /** HAProxy's {@code crt} wants the leaf, its chain and the key in one file. */
  private static void writePem(Path file, Object... objects) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      for (Object object : objects) {
        // PKCS#8 ("PRIVATE KEY"): OpenSSL 3 refuses the SEC1 form BouncyCastle writes from a JDK EC key.
        if (object instanceof PrivateKey key) {
          writer.writeObject(new JcaPKCS8Generator(key, null));
        } else {
          writer.writeObject(object);
        }
      }
    }
    Files.writeString(file, text.toString(), StandardCharsets.US_ASCII);
  }

  private static void writeP12(Path file, String alias, PrivateKey key, X509Certificate leaf, X509Certificate ca)
      throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry(alias, key, STORE_PASSWORD, new Certificate[] {leaf, ca});
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, STORE_PASSWORD);
    }
  }
}
