package dev.meshlet.tls.client;

import dev.meshlet.tls.pki.KeyType;
import dev.meshlet.tls.pki.Pem;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A small web PKI for SIMPLE and MUTUAL tests: a root, a server certificate with a DNS name (what
 * a non-mesh service has), and a client certificate, written as the PEM files a DestinationRule
 * names.
 */
final class WebPki {

  private static final SecureRandom RANDOM = new SecureRandom();

  final KeyPair rootKeys = KeyType.EC_P256.generate(RANDOM);
  final X509Certificate root;
  final KeyPair serverKeys = KeyType.EC_P256.generate(RANDOM);
  final X509Certificate server;
  final KeyPair clientKeys = KeyType.EC_P256.generate(RANDOM);
  final X509Certificate client;

  WebPki(String serverDnsName) throws Exception {
    Instant now = Instant.now();
    X500Name rootName = new X500Name("CN=Web Test Root");
    root = sign(rootName, rootName, rootKeys, rootKeys.getPrivate(), now, true, null, null);
    server = sign(rootName, new X500Name("CN=" + serverDnsName), serverKeys, rootKeys.getPrivate(), now, false,
        new GeneralName(GeneralName.dNSName, serverDnsName), KeyPurposeId.id_kp_serverAuth);
    client = sign(rootName, new X500Name("CN=web-client"), clientKeys, rootKeys.getPrivate(), now, false,
        null, KeyPurposeId.id_kp_clientAuth);
  }

  /** Writes root.pem, client.pem and client.key into {@code dir}. */
  void writeFiles(Path dir) throws Exception {
    Files.writeString(dir.resolve("root.pem"), Pem.certificate(root));
    Files.writeString(dir.resolve("client.pem"), Pem.certificate(client));
    Files.writeString(dir.resolve("client.key"), Pem.privateKey(clientKeys.getPrivate()));
  }

  /** The server's context; it trusts client certificates of this root. */
  SSLContext serverContext() throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("server", serverKeys.getPrivate(), new char[0], new X509Certificate[] {server, root});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("root", root);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), RANDOM);
    return context;
  }

  private static X509Certificate sign(X500Name issuer, X500Name subject, KeyPair keys, PrivateKey signer, Instant now,
      boolean ca, GeneralName san, KeyPurposeId eku) throws Exception {
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM).add(BigInteger.ONE),
        Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))), subject, keys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    b.addExtension(Extension.keyUsage, true,
        new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
    if (san != null) {
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(san));
    }
    if (eku != null) {
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(eku));
    }
    return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
  }
}
