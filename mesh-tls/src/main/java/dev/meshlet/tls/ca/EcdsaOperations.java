package dev.meshlet.tls.ca;

import java.io.IOException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcECContentSignerBuilder;
import org.bouncycastle.operator.bc.BcECContentVerifierProviderBuilder;

/**
 * ECDSA for the CA's hot path through BouncyCastle's lightweight API rather than the JDK's SunEC.
 *
 * <p>Why: profiling {@code TlsBenchmark.issueCertificate} with JFR showed 85% of the samples in
 * SunEC's P-256 arithmetic (verifying the CSR's signature 67%, signing the certificate 18%). On
 * JDK 17 SunEC multiplies points generically; BouncyCastle's P-256 uses a specialised field and
 * a precomputed table for the base point, 5 to 7 times less CPU per signature here. No provider is
 * registered or even instantiated: these are plain objects. RSA stays with the JDK, whose
 * big-integer intrinsics make it the faster of the two.
 */
final class EcdsaOperations {

  /** The ECDSA signature algorithms a CSR may use: SHA-2 only, matching the key type. */
  private static final Set<ASN1ObjectIdentifier> CSR_SIGNATURES = Set.of(
      X9ObjectIdentifiers.ecdsa_with_SHA256, X9ObjectIdentifiers.ecdsa_with_SHA384,
      X9ObjectIdentifiers.ecdsa_with_SHA512);

  private static final DefaultDigestAlgorithmIdentifierFinder DIGESTS = new DefaultDigestAlgorithmIdentifierFinder();

  private EcdsaOperations() {}

  /** Whether a CSR with an EC key may be signed with {@code algorithm}: ECDSA with SHA-2 only. */
  static boolean isCsrSignatureAlgorithm(AlgorithmIdentifier algorithm) {
    return CSR_SIGNATURES.contains(algorithm.getAlgorithm());
  }

  /** A verifier of signatures by the EC key {@code keyInfo}. */
  static ContentVerifierProvider csrVerifier(SubjectPublicKeyInfo keyInfo) throws IOException, OperatorCreationException {
    return new BcECContentVerifierProviderBuilder(DIGESTS).build(PublicKeyFactory.createKey(keyInfo));
  }

  /** Signs with the CA's EC key; one per CA, each {@link #newSigner()} for one certificate. */
  static final class CaKey {
    private final AsymmetricKeyParameter key;
    private final AlgorithmIdentifier signatureAlgorithm;
    private final AlgorithmIdentifier digestAlgorithm;
    private final SecureRandom random;

    CaKey(PrivateKey privateKey, String jcaSignatureAlgorithm, SecureRandom random) throws IOException {
      byte[] encoded = privateKey.getEncoded();
      if (encoded == null) {
        throw new IOException("the CA's EC key cannot be exported (expected: a key read from ca-key.pem or made here)");
      }
      this.key = PrivateKeyFactory.createKey(encoded);
      this.signatureAlgorithm = new DefaultSignatureAlgorithmIdentifierFinder().find(jcaSignatureAlgorithm);
      this.digestAlgorithm = DIGESTS.find(signatureAlgorithm);
      this.random = random;
    }

    /** A signer for one certificate: BouncyCastle's signers keep state, so they are not shared. */
    ContentSigner newSigner() throws OperatorCreationException {
      return new BcECContentSignerBuilder(signatureAlgorithm, digestAlgorithm).setSecureRandom(random).build(key);
    }
  }
}
