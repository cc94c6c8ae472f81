package dev.meshlet.tls.pki;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The key types Meshlet makes and accepts: ECDSA on P-256 (the default, as Istio's) or P-384,
 * and RSA of 2048 bits or more. Keys are made by the JDK's providers; BouncyCastle is not
 * registered as a JCE provider.
 */
public enum KeyType {
  EC_P256("EC", "secp256r1", 256, "SHA256withECDSA"),
  EC_P384("EC", "secp384r1", 384, "SHA384withECDSA"),
  RSA_2048("RSA", null, 2048, "SHA256withRSA"),
  RSA_3072("RSA", null, 3072, "SHA256withRSA"),
  RSA_4096("RSA", null, 4096, "SHA256withRSA");

  public static final KeyType DEFAULT = EC_P256;

  private final String algorithm;
  private final @Nullable String curve;
  private final int bits;
  private final String signatureAlgorithm;

  KeyType(String algorithm, @Nullable String curve, int bits, String signatureAlgorithm) {
    this.algorithm = algorithm;
    this.curve = curve;
    this.bits = bits;
    this.signatureAlgorithm = signatureAlgorithm;
  }

  /** The JCA key algorithm, {@code EC} or {@code RSA}. */
  public String algorithm() {
    return algorithm;
  }

  public int bits() {
    return bits;
  }

  public boolean isRsa() {
    return algorithm.equals("RSA");
  }

  /** The JCA signature algorithm a key of this type signs with. */
  public String signatureAlgorithm() {
    return signatureAlgorithm;
  }

  public KeyPair generate(SecureRandom random) {
    Objects.requireNonNull(random, "random");
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      if (curve != null) {
        generator.initialize(new ECGenParameterSpec(curve), random);
      } else {
        generator.initialize(new RSAKeyGenParameterSpec(bits, RSAKeyGenParameterSpec.F4), random);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate a " + this + " key pair: " + e.getMessage(), e);
    }
  }

  /** Returns the signature algorithm that a private key of its kind and size signs with. */
  public static String signatureAlgorithmFor(PrivateKey key) {
    if (key instanceof ECKey ec) {
      return ec.getParams().getCurve().getField().getFieldSize() > 256
          ? EC_P384.signatureAlgorithm : EC_P256.signatureAlgorithm;
    }
    if (key instanceof RSAKey) {
      return RSA_2048.signatureAlgorithm;
    }
    throw new IllegalArgumentException("private key algorithm " + key.getAlgorithm()
        + " is not supported (expected: EC or RSA)");
  }

  /** Returns the type of {@code key}, or fails naming why the key is not one Meshlet accepts. */
  public static KeyType of(PublicKey key) {
    if (key instanceof RSAKey rsa) {
      int size = rsa.getModulus().bitLength();
      if (size < 2048) {
        throw new IllegalArgumentException("RSA key of " + size + " bits is too weak (expected: at least 2048)");
      }
      return size >= 4096 ? RSA_4096 : size >= 3072 ? RSA_3072 : RSA_2048;
    }
    if (key instanceof ECKey ec) {
      int size = ec.getParams().getCurve().getField().getFieldSize();
      if (size == 256) {
        return EC_P256;
      }
      if (size == 384) {
        return EC_P384;
      }
      throw new IllegalArgumentException("EC key of " + size + " bits is not on P-256 or P-384");
    }
    throw new IllegalArgumentException("key algorithm " + key.getAlgorithm()
        + " is not supported (expected: EC P-256/P-384 or RSA >= 2048)");
  }
}
