package dev.meshlet.tls.ca;

import dev.meshlet.tls.ca.CsrRejectedException.Reason;
import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.pki.CertificatePaths;
import dev.meshlet.tls.pki.KeyType;
import dev.meshlet.tls.pki.SpiffeCertificates;
import dev.meshlet.tls.pki.TrustBundle;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.jspecify.annotations.Nullable;

/**
 * The mesh's certificate authority. It either owns a root it made on first start (and persisted),
 * or signs with the operator's CA loaded from Istio's {@code cacerts} files so that workload
 * certificates chain to a corporate root. It signs workload certificates from PKCS#10 requests,
 * but only for the identity the caller has proven.
 *
 * <p>Thread-safe: the CA's state is immutable after construction.
 */
public final class CertificateAuthority {

  private static final int SERIAL_BITS = 128;
  private static final int MAX_RSA_BITS = 8192;

  private final CaConfig config;
  private final Clock clock;
  private final SecureRandom random;
  private final PrivateKey signingKey;
  private final X509Certificate signingCertificate;
  private final List<X509Certificate> caChain;
  private final TrustBundle trustBundle;
  private final X500Name issuer;
  private final AuthorityKeyIdentifier authorityKeyIdentifier;
  /** The signing key in BouncyCastle's form when it is EC (see {@link EcdsaOperations}); null for RSA. */
  private final EcdsaOperations.@Nullable CaKey ecSigningKey;

  CertificateAuthority(CaConfig config, Clock clock, SecureRandom random, PrivateKey signingKey,
      List<X509Certificate> caChain, TrustBundle trustBundle) {
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
    this.signingKey = Objects.requireNonNull(signingKey, "signingKey");
    this.caChain = List.copyOf(caChain);
    this.signingCertificate = this.caChain.get(0);
    this.trustBundle = Objects.requireNonNull(trustBundle, "trustBundle");
    if (!trustBundle.trustDomain().equals(config.trustDomain())) {
      throw new IllegalArgumentException("trust bundle is of trust domain " + trustBundle.trustDomain()
          + " (expected: " + config.trustDomain() + ")");
    }
    this.issuer = X500Name.getInstance(signingCertificate.getSubjectX500Principal().getEncoded());
    try {
      // The same for every certificate this CA signs: computed once.
      this.authorityKeyIdentifier = extensionUtils().createAuthorityKeyIdentifier(signingCertificate);
    } catch (CertificateException e) {
      throw new IllegalArgumentException("signing certificate cannot be encoded: " + e.getMessage(), e);
    }
    try {
      this.ecSigningKey = signingKey instanceof ECKey
          ? new EcdsaOperations.CaKey(signingKey, KeyType.signatureAlgorithmFor(signingKey), random) : null;
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("signing key cannot be used: " + e.getMessage(), e);
    }
  }

  /** A CA with a new self-signed root, kept in memory only. */
  public static CertificateAuthority selfSigned(CaConfig config, Clock clock, SecureRandom random) {
    KeyPair keys = config.rootKeyType().generate(random);
    X509Certificate root = selfSignedRoot(config, keys, clock.instant(), random);
    return new CertificateAuthority(config, clock, random, keys.getPrivate(), List.of(root),
        TrustBundle.of(config.trustDomain(), root));
  }

  /**
   * Loads the CA persisted in {@code directory}, or makes a self-signed root and persists it there
   * on first start. The files use Istio's cacerts layout, so the directory can later be replaced
   * by an operator's own CA. Fails, changing nothing, when the directory holds a partial or
   * broken CA.
   */
  public static CertificateAuthority loadOrCreate(Path directory, CaConfig config, Clock clock,
      SecureRandom random) throws IOException {
    if (CacertsFiles.isPresent(directory)) {
      return fromCacerts(directory, config, clock, random);
    }
    CertificateAuthority ca = selfSigned(config, clock, random);
    CacertsFiles.write(directory, ca.signingKey, ca.caChain, ca.trustBundle.roots());
    return ca;
  }

  /**
   * Loads the operator's CA from Istio's cacerts files: {@code ca-cert.pem} (the signing CA),
   * {@code ca-key.pem} (its key), {@code root-cert.pem} (the roots to trust) and
   * {@code cert-chain.pem} (the signing CA's chain up to the root).
   */
  public static CertificateAuthority fromCacerts(Path directory, CaConfig config, Clock clock,
      SecureRandom random) throws IOException {
    CacertsFiles.Loaded loaded = CacertsFiles.read(directory);
    X509Certificate caCert = loaded.caCertificate();
    String where = "cacerts " + directory;
    if (caCert.getBasicConstraints() < 0) {
      throw new IllegalArgumentException(where + ": ca-cert.pem " + SpiffeCertificates.describe(caCert)
          + " is not a CA certificate (expected: basicConstraints CA:TRUE)");
    }
    boolean[] usage = caCert.getKeyUsage();
    if (usage != null && (usage.length <= 5 || !usage[5])) {
      throw new IllegalArgumentException(where + ": ca-cert.pem " + SpiffeCertificates.describe(caCert)
          + " may not sign certificates (expected: keyUsage keyCertSign)");
    }
    checkKeyMatches(loaded.caKey(), caCert.getPublicKey(), where);
    List<X509Certificate> chain = new ArrayList<>(loaded.certChain());
    if (chain.isEmpty() || !chain.get(0).equals(caCert)) {
      chain.add(0, caCert);
    }
    TrustBundle bundle = TrustBundle.of(config.trustDomain(), loaded.roots());
    if (!(chain.size() == 1 && bundle.contains(caCert))) {
      try {
        CertificatePaths.validate(chain, bundle, clock.instant());
      } catch (CertificateException e) {
        throw new IllegalArgumentException(where + ": cert-chain.pem does not lead from ca-cert.pem to a root in"
            + " root-cert.pem: " + e.getMessage(), e);
      }
    } else {
      checkValidNow(caCert, clock.instant(), where + ": ca-cert.pem");
    }
    if (!bundle.contains(chain.get(chain.size() - 1))) {
      // Present the whole path: append the root that the last certificate chains to.
      X509Certificate last = chain.get(chain.size() - 1);
      for (X509Certificate root : bundle.roots()) {
        if (root.getSubjectX500Principal().equals(last.getIssuerX500Principal())) {
          chain.add(root);
          break;
        }
      }
    }
    return new CertificateAuthority(config, clock, random, loaded.caKey(), chain, bundle);
  }

  public CaConfig config() {
    return config;
  }

  /** The certificate that signs workload certificates. */
  public X509Certificate signingCertificate() {
    return signingCertificate;
  }

  /** The signing certificate's chain up to the root, signing certificate first. */
  public List<X509Certificate> caChain() {
    return caChain;
  }

  /** The root the signing certificate chains to. */
  public X509Certificate rootCertificate() {
    return caChain.get(caChain.size() - 1);
  }

  /** The roots workloads of this trust domain trust. */
  public TrustBundle trustBundle() {
    return trustBundle;
  }

  /** Signs {@code csrDer} for {@code provenIdentity} with the default workload lifetime. */
  public IssuedCertificate sign(byte[] csrDer, SpiffeId provenIdentity) throws CsrRejectedException {
    return sign(csrDer, provenIdentity, config.defaultWorkloadTtl());
  }

  /**
   * Signs a PKCS#10 request for the identity the caller has proven (by its token or its current
   * certificate; deciding that is the caller's job). The request may ask for that SPIFFE ID as
   * its only subject alternative name, or for none; the CA writes the proven ID either way. The
   * request's subject and any other requested extensions are ignored: the CA decides what goes
   * into the certificate.
   *
   * @throws CsrRejectedException when the bytes are not a PKCS#10 request, its signature does not
   *     verify, its key is weak, it asks for another identity or for any other name, or the
   *     lifetime is out of range
   */
  public IssuedCertificate sign(byte[] csrDer, SpiffeId provenIdentity, Duration ttl)
      throws CsrRejectedException {
    Objects.requireNonNull(csrDer, "csrDer");
    Objects.requireNonNull(provenIdentity, "provenIdentity");
    Objects.requireNonNull(ttl, "ttl");
    if (!provenIdentity.isMemberOf(config.trustDomain())) {
      throw new CsrRejectedException(Reason.IDENTITY_MISMATCH, "proven identity " + provenIdentity
          + " is not in trust domain " + config.trustDomain() + " of this CA");
    }
    if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(config.maxWorkloadTtl()) > 0) {
      throw new CsrRejectedException(Reason.TTL_OUT_OF_RANGE, "requested lifetime " + ttl
          + " (expected: > 0 and at most " + config.maxWorkloadTtl() + ")");
    }
    PKCS10CertificationRequest csr = parse(csrDer);
    SubjectPublicKeyInfo keyInfo = csr.getSubjectPublicKeyInfo();
    boolean rsa = checkKey(keyInfo);
    checkSignature(csr, rsa);
    checkRequestedNames(csr, provenIdentity);
    X509Certificate leaf = issueWorkload(keyInfo, rsa, provenIdentity, ttl);
    List<X509Certificate> chain = new ArrayList<>(caChain.size() + 1);
    chain.add(leaf);
    chain.addAll(caChain);
    return new IssuedCertificate(chain);
  }

  private static PKCS10CertificationRequest parse(byte[] der) throws CsrRejectedException {
    if (der.length == 0) {
      throw new CsrRejectedException(Reason.MALFORMED, "empty request (expected: a DER-encoded PKCS#10 request)");
    }
    try {
      PKCS10CertificationRequest csr = new PKCS10CertificationRequest(der);
      csr.getSubjectPublicKeyInfo().getAlgorithm(); // forces the lazily parsed parts
      return csr;
    } catch (IOException | RuntimeException e) {
      throw new CsrRejectedException(Reason.MALFORMED,
          "not a DER-encoded PKCS#10 request (" + der.length + " bytes): " + e.getMessage(), e);
    }
  }

  /** Returns whether the key is RSA; refuses keys weaker than RSA 2048 or not on P-256/P-384. */
  private static boolean checkKey(SubjectPublicKeyInfo keyInfo) throws CsrRejectedException {
    AlgorithmIdentifier algorithm = keyInfo.getAlgorithm();
    ASN1ObjectIdentifier oid = algorithm.getAlgorithm();
    try {
      if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)) {
        int bits = RSAPublicKey.getInstance(keyInfo.parsePublicKey()).getModulus().bitLength();
        if (bits < 2048) {
          throw new CsrRejectedException(Reason.WEAK_KEY,
              "RSA key of " + bits + " bits is too weak (expected: RSA of at least 2048 bits, or EC P-256/P-384)");
        }
        if (bits > MAX_RSA_BITS) {
          // Verifying a signature with a huge modulus costs the CA time a requester chooses.
          throw new CsrRejectedException(Reason.WEAK_KEY,
              "RSA key of " + bits + " bits is too large (expected: at most " + MAX_RSA_BITS + " bits)");
        }
        return true;
      }
      if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
        ASN1Encodable params = algorithm.getParameters();
        if (X9ObjectIdentifiers.prime256v1.equals(params) || SECObjectIdentifiers.secp384r1.equals(params)) {
          return false;
        }
        throw new CsrRejectedException(Reason.WEAK_KEY, "EC key on curve " + params
            + " is not accepted (expected: P-256 " + X9ObjectIdentifiers.prime256v1 + " or P-384 "
            + SECObjectIdentifiers.secp384r1 + ")");
      }
    } catch (IOException | RuntimeException e) {
      throw new CsrRejectedException(Reason.MALFORMED, "public key cannot be read: " + e.getMessage(), e);
    }
    throw new CsrRejectedException(Reason.WEAK_KEY, "key algorithm " + oid
        + " is not accepted (expected: EC P-256/P-384 or RSA >= 2048)");
  }

  private static void checkSignature(PKCS10CertificationRequest csr, boolean rsa) throws CsrRejectedException {
    AlgorithmIdentifier algorithm = csr.getSignatureAlgorithm();
    if (!rsa && !EcdsaOperations.isCsrSignatureAlgorithm(algorithm)) {
      throw new CsrRejectedException(Reason.BAD_SIGNATURE, "signature algorithm " + algorithm.getAlgorithm()
          + " does not fit the request's EC key (expected: ECDSA with SHA-256, SHA-384 or SHA-512)");
    }
    boolean valid;
    try {
      ContentVerifierProvider verifier;
      if (rsa) {
        // The JDK's KeyFactory does not resolve key algorithm OIDs, so name the algorithm here
        // rather than registering BouncyCastle as a provider.
        PublicKey key = KeyFactory.getInstance("RSA")
            .generatePublic(new X509EncodedKeySpec(csr.getSubjectPublicKeyInfo().getEncoded()));
        verifier = new JcaContentVerifierProviderBuilder().build(key);
      } else {
        verifier = EcdsaOperations.csrVerifier(csr.getSubjectPublicKeyInfo());
      }
      valid = csr.isSignatureValid(verifier);
    } catch (GeneralSecurityException | IOException | OperatorCreationException | PKCSException
        | RuntimeException e) {
      throw new CsrRejectedException(Reason.BAD_SIGNATURE, "signature cannot be checked: " + e.getMessage(), e);
    }
    if (!valid) {
      throw new CsrRejectedException(Reason.BAD_SIGNATURE,
          "signature does not verify with the request's public key (the requester does not hold its key,"
              + " or the request was altered)");
    }
  }

  private static void checkRequestedNames(PKCS10CertificationRequest csr, SpiffeId proven)
      throws CsrRejectedException {
    try {
      for (org.bouncycastle.asn1.pkcs.Attribute attribute
          : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
        for (ASN1Encodable value : attribute.getAttributeValues()) {
          Extensions extensions = Extensions.getInstance(value);
          Extension san = extensions.getExtension(Extension.subjectAlternativeName);
          if (san == null) {
            continue;
          }
          for (GeneralName name : GeneralNames.getInstance(san.getParsedValue()).getNames()) {
            checkRequestedName(name, proven);
          }
        }
      }
    } catch (RuntimeException e) {
      throw new CsrRejectedException(Reason.MALFORMED, "requested extensions cannot be read: " + e.getMessage(), e);
    }
  }

  private static void checkRequestedName(GeneralName name, SpiffeId proven) throws CsrRejectedException {
    if (name.getTagNo() != GeneralName.uniformResourceIdentifier) {
      throw new CsrRejectedException(Reason.EXTRA_SUBJECT_ALT_NAME, "asks for the " + nameKind(name.getTagNo())
          + " subject alternative name " + nameValue(name) + " (expected: only the URI SAN " + proven + ")");
    }
    String uri = nameValue(name);
    if (!uri.equals(proven.toString())) {
      throw new CsrRejectedException(Reason.IDENTITY_MISMATCH, "asks for URI SAN " + uri
          + " but the caller proved " + proven);
    }
  }

  private static String nameKind(int tag) {
    return switch (tag) {
      case GeneralName.otherName -> "otherName";
      case GeneralName.rfc822Name -> "email";
      case GeneralName.dNSName -> "DNS";
      case GeneralName.x400Address -> "x400Address";
      case GeneralName.directoryName -> "directoryName";
      case GeneralName.ediPartyName -> "ediPartyName";
      case GeneralName.iPAddress -> "IP";
      case GeneralName.registeredID -> "registeredID";
      default -> "tag " + tag;
    };
  }

  private static String nameValue(GeneralName name) {
    ASN1Encodable value = name.getName();
    if (value instanceof ASN1String s) {
      return s.getString();
    }
    if (name.getTagNo() == GeneralName.iPAddress) {
      byte[] octets = org.bouncycastle.asn1.ASN1OctetString.getInstance(value).getOctets();
      try {
        return java.net.InetAddress.getByAddress(octets).getHostAddress();
      } catch (java.net.UnknownHostException e) {
        return "(" + octets.length + " bytes)";
      }
    }
    ASN1Primitive primitive = value.toASN1Primitive();
    return primitive.toString();
  }

  private X509Certificate issueWorkload(SubjectPublicKeyInfo keyInfo, boolean rsa, SpiffeId id, Duration ttl) {
    Instant now = clock.instant();
    Instant notBefore = now.minus(config.backdate());
    Instant notAfter = now.plus(ttl);
    Instant caNotAfter = signingCertificate.getNotAfter().toInstant();
    if (notAfter.isAfter(caNotAfter)) {
      // A workload certificate never outlives the CA that signed it.
      notAfter = caNotAfter;
    }
    X509v3CertificateBuilder builder = new X509v3CertificateBuilder(issuer, serial(random),
        Date.from(notBefore), Date.from(notAfter), new X500Name(new org.bouncycastle.asn1.x500.RDN[0]), keyInfo);
    int usage = KeyUsage.digitalSignature | (rsa ? KeyUsage.keyEncipherment : 0);
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
          new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      builder.addExtension(Extension.authorityKeyIdentifier, false, authorityKeyIdentifier);
      // A new instance per certificate: its SHA-1 digest is not safe to share between threads.
      builder.addExtension(Extension.subjectKeyIdentifier, false,
          extensionUtils().createSubjectKeyIdentifier(keyInfo));
      // The subject is empty, so RFC 5280 (4.2.1.6) wants the SAN critical; Istio does the same.
      builder.addExtension(Extension.subjectAlternativeName, true,
          new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, id.toString())));
    } catch (CertIOException e) {
      throw new IllegalStateException("cannot build the certificate of " + id + ": " + e.getMessage(), e);
    }
    if (ecSigningKey == null) {
      return sign(builder, signingKey);
    }
    try {
      return toX509(builder.build(ecSigningKey.newSigner()));
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("cannot sign the certificate of " + id + ": " + e.getMessage(), e);
    }
  }

  static X509Certificate selfSignedRoot(CaConfig config, KeyPair keys, Instant now, SecureRandom random) {
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.O, config.organization())
        .addRDN(BCStyle.CN, "Meshlet root CA")
        .build();
    SubjectPublicKeyInfo keyInfo = SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded());
    X509v3CertificateBuilder builder = new X509v3CertificateBuilder(subject, serial(random),
        Date.from(now.minus(config.backdate())), Date.from(now.plus(config.rootTtl())), subject, keyInfo);
    JcaX509ExtensionUtils utils = extensionUtils();
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
      builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keyInfo));
    } catch (CertIOException e) {
      throw new IllegalStateException("cannot build the root certificate: " + e.getMessage(), e);
    }
    return sign(builder, keys.getPrivate());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key) {
    try {
      // The root, and an RSA CA's certificates: the JDK's providers sign, BouncyCastle only encodes.
      ContentSigner signer = new JcaContentSignerBuilder(KeyType.signatureAlgorithmFor(key)).build(key);
      return toX509(builder.build(signer));
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("cannot sign a certificate: " + e.getMessage(), e);
    }
  }

  private static X509Certificate toX509(X509CertificateHolder holder) {
    try {
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (CertificateException e) {
      throw new IllegalStateException("cannot read back a certificate just signed: " + e.getMessage(), e);
    }
  }

  /** A random positive serial of 128 bits, as Istio's, never zero. */
  private static BigInteger serial(SecureRandom random) {
    BigInteger serial;
    do {
      serial = new BigInteger(SERIAL_BITS, random);
    } while (serial.signum() == 0);
    return serial;
  }

  private static JcaX509ExtensionUtils extensionUtils() {
    try {
      return new JcaX509ExtensionUtils();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 for key identifiers is not available", e);
    }
  }

  private static void checkKeyMatches(PrivateKey key, PublicKey publicKey, String where) {
    try {
      byte[] probe = "meshlet-ca-key-check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      String algorithm = KeyType.signatureAlgorithmFor(key);
      java.security.Signature signer = java.security.Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      if (verifier.verify(signature)) {
        return;
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": ca-key.pem does not match ca-cert.pem: " + e.getMessage(), e);
    }
    throw new IllegalArgumentException(where + ": ca-key.pem does not match the public key of ca-cert.pem");
  }

  private static void checkValidNow(X509Certificate cert, Instant now, String where) {
    if (now.isAfter(cert.getNotAfter().toInstant())) {
      throw new IllegalArgumentException(where + ": " + SpiffeCertificates.describe(cert) + " expired at "
          + cert.getNotAfter().toInstant() + " (now " + now + ")");
    }
    if (now.isBefore(cert.getNotBefore().toInstant())) {
      throw new IllegalArgumentException(where + ": " + SpiffeCertificates.describe(cert) + " is not valid before "
          + cert.getNotBefore().toInstant() + " (now " + now + ")");
    }
  }
}
