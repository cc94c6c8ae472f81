package dev.meshlet.tls.ca;

import dev.meshlet.tls.pki.KeyType;
import java.security.KeyPair;
import java.util.List;
import org.bouncycastle.asn1.pkcs.CertificationRequest;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** CSRs a well-behaved workload would not send, to show the CA refuses them. */
final class CsrFixtures {

  private CsrFixtures() {}

  static GeneralName uri(String value) {
    return new GeneralName(GeneralName.uniformResourceIdentifier, value);
  }

  static GeneralName dns(String value) {
    return new GeneralName(GeneralName.dNSName, value);
  }

  static GeneralName ip(String value) {
    return new GeneralName(GeneralName.iPAddress, value);
  }

  static GeneralName email(String value) {
    return new GeneralName(GeneralName.rfc822Name, value);
  }

  static byte[] withSans(KeyPair keys, List<GeneralName> names) {
    try {
      JcaPKCS10CertificationRequestBuilder builder =
          new JcaPKCS10CertificationRequestBuilder(new X500Name(new RDN[0]), keys.getPublic());
      if (!names.isEmpty()) {
        ExtensionsGenerator extensions = new ExtensionsGenerator();
        extensions.addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(names.toArray(new GeneralName[0])));
        builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
      }
      return builder.build(new JcaContentSignerBuilder(KeyType.signatureAlgorithmFor(keys.getPrivate()))
          .build(keys.getPrivate())).getEncoded();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /**
   * A request carrying {@code keyInfo}, with a signature of random bytes: enough to show that the
   * CA judges the key before it spends time verifying anything.
   */
  static byte[] withKeyAndJunkSignature(org.bouncycastle.asn1.x509.SubjectPublicKeyInfo keyInfo) {
    try {
      var info = new org.bouncycastle.asn1.pkcs.CertificationRequestInfo(new X500Name(new RDN[0]), keyInfo,
          new org.bouncycastle.asn1.DERSet());
      byte[] junk = new byte[64];
      new java.security.SecureRandom().nextBytes(junk);
      return new CertificationRequest(info,
          new org.bouncycastle.asn1.x509.AlgorithmIdentifier(PKCSObjectIdentifiers.sha256WithRSAEncryption,
              org.bouncycastle.asn1.DERNull.INSTANCE),
          new org.bouncycastle.asn1.DERBitString(junk)).getEncoded();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** The same request body, signed by another key: what a requester without the key could send. */
  static byte[] withForeignSignature(byte[] der, KeyPair other) {
    return resigned(der, other, "SHA256withECDSA");
  }

  /** The same request body, signed again by {@code keys} with the JCA signature {@code algorithm}. */
  static byte[] resigned(byte[] der, KeyPair keys, String algorithm) {
    try {
      CertificationRequest original = new PKCS10CertificationRequest(der).toASN1Structure();
      byte[] body = original.getCertificationRequestInfo().getEncoded();
      var signer = new JcaContentSignerBuilder(algorithm).build(keys.getPrivate());
      signer.getOutputStream().write(body);
      return new CertificationRequest(original.getCertificationRequestInfo(), signer.getAlgorithmIdentifier(),
          new org.bouncycastle.asn1.DERBitString(signer.getSignature())).getEncoded();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
