package dev.meshlet.tls.testing;

import dev.meshlet.tls.identity.TrustDomain;
import dev.meshlet.tls.pki.KeyType;
import dev.meshlet.tls.pki.TrustBundle;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
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
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Builds certificates the Meshlet CA would never issue (wrong usage, several URIs, self-signed
 * leaves), so tests can show that the verifier refuses them. Not a second CA implementation:
 * each certificate is spelled out by the test that needs it.
 */
public final class TestPki {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final KeyPair rootKeys;
  private final X500Name rootName;
  private final X509Certificate root;

  public TestPki(String name, Instant now) {
    rootKeys = KeyType.EC_P256.generate(RANDOM);
    rootName = new X500Name("CN=" + name);
    root = build(rootName, rootName, rootKeys, rootKeys.getPrivate(),
        now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)), true, List.of(), null);
  }

  public X509Certificate root() {
    return root;
  }

  public TrustBundle bundle(TrustDomain trustDomain) {
    return TrustBundle.of(trustDomain, root);
  }

  /** A leaf signed by this root, with the given URI SANs and extended key usages (null: none). */
  public Leaf leaf(List<String> uris, KeyPurposeId[] eku, Instant notBefore, Instant notAfter) {
    KeyPair keys = KeyType.EC_P256.generate(RANDOM);
    X509Certificate cert = build(rootName,
        // The JDK refuses a certificate with neither subject nor SAN, so the SAN-less one gets a name.
        uris.isEmpty() ? new X500Name("CN=no-san") : new X500Name(new org.bouncycastle.asn1.x500.RDN[0]), keys, rootKeys.getPrivate(), notBefore, notAfter,
        false, uris, eku);
    return new Leaf(keys, List.of(cert, root));
  }

  /** A self-signed leaf with a SPIFFE ID, as an attacker could make. */
  public static Leaf selfSigned(String uri, Instant now) {
    KeyPair keys = KeyType.EC_P256.generate(RANDOM);
    X500Name name = new X500Name("CN=self");
    X509Certificate cert = build(name, name, keys, keys.getPrivate(), now.minus(Duration.ofMinutes(1)),
        now.plus(Duration.ofHours(1)), false, List.of(uri),
        new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth});
    return new Leaf(keys, List.of(cert));
  }

  /** A key pair and its chain, leaf first. */
  public record Leaf(KeyPair keys, List<X509Certificate> chain) {
    public X509Certificate[] chainArray() {
      return chain.toArray(new X509Certificate[0]);
    }
  }

  private static X509Certificate build(X500Name issuer, X500Name subject, KeyPair subjectKeys, PrivateKey signer,
      Instant notBefore, Instant notAfter, boolean ca, List<String> uris, KeyPurposeId[] eku) {
    try {
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM).add(BigInteger.ONE),
          Date.from(notBefore), Date.from(notAfter), subject, subjectKeys.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(ca
          ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
      if (!uris.isEmpty()) {
        List<GeneralName> names = new ArrayList<>();
        for (String uri : uris) {
          names.add(new GeneralName(GeneralName.uniformResourceIdentifier, uri));
        }
        builder.addExtension(Extension.subjectAlternativeName, true,
            new GeneralNames(names.toArray(new GeneralName[0])));
      }
      if (eku != null) {
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(eku));
      }
      return new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    } catch (Exception e) {
      throw new AssertionError("cannot build a test certificate", e);
    }
  }
}
