package dev.meshlet.tls.workload;

import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.pki.KeyType;
import java.io.IOException;
import java.security.KeyPair;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** Makes PKCS#10 certificate signing requests for a workload's own key. */
public final class CertificateRequests {

  private CertificateRequests() {}

  /**
   * A DER-encoded request, signed by {@code keys}, with an empty subject and {@code id} as its
   * only subject alternative name (critical, as the subject is empty). Only the public key leaves
   * the process.
   */
  public static byte[] create(KeyPair keys, SpiffeId id) {
    try {
      JcaPKCS10CertificationRequestBuilder builder =
          new JcaPKCS10CertificationRequestBuilder(new X500Name(new RDN[0]), keys.getPublic());
      ExtensionsGenerator extensions = new ExtensionsGenerator();
      extensions.addExtension(Extension.subjectAlternativeName, true,
          new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, id.toString())));
      builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
      String algorithm = KeyType.signatureAlgorithmFor(keys.getPrivate());
      return builder.build(new JcaContentSignerBuilder(algorithm).build(keys.getPrivate())).getEncoded();
    } catch (IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot make a CSR for " + id + ": " + e.getMessage(), e);
    }
  }
}
