package dev.meshlet.tls.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class PemTest {

  @Test
  void roundTripsKeysOfEveryType() {
    for (KeyType type : new KeyType[] {KeyType.EC_P256, KeyType.EC_P384, KeyType.RSA_2048}) {
      KeyPair keys = type.generate(new SecureRandom());

      assertThat(Pem.readPrivateKey(Pem.privateKey(keys.getPrivate()), "key"))
          .isEqualTo(keys.getPrivate());
      assertThat(KeyType.of(keys.getPublic())).isEqualTo(type);
    }
  }

  @Test
  void refusesTextWithoutPem() {
    assertThatThrownBy(() -> Pem.readCertificates("hello world", "certs.pem"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("PEM certs.pem: no certificate found (expected: -----BEGIN CERTIFICATE----- blocks)");
    assertThatThrownBy(() -> Pem.readPrivateKey("", "key.pem"))
        .hasMessage("PEM key.pem: no private key found (expected: -----BEGIN PRIVATE KEY----- block)");
  }

  @Test
  void refusesBrokenBase64AndBrokenDer() {
    assertThatThrownBy(() -> Pem.readCertificates(
        "-----BEGIN CERTIFICATE-----\n@@@not base64@@@\n-----END CERTIFICATE-----\n", "a.pem"))
        .hasMessageStartingWith("PEM a.pem:");
    assertThatThrownBy(() -> Pem.readCertificates(
        "-----BEGIN CERTIFICATE-----\nAAECAwQFBgcICQ==\n-----END CERTIFICATE-----\n", "b.pem"))
        .hasMessageStartingWith("PEM b.pem:");
    assertThatThrownBy(() -> Pem.readPrivateKey(
        "-----BEGIN PRIVATE KEY-----\nAAECAwQFBgcICQ==\n-----END PRIVATE KEY-----\n", "c.pem"))
        .hasMessageStartingWith("PEM c.pem:");
  }

  @Test
  void refusesAMissingEndLine() {
    assertThatThrownBy(() -> Pem.readCertificates("-----BEGIN CERTIFICATE-----\nAAEC\n", "d.pem"))
        .hasMessageStartingWith("PEM d.pem:");
  }

  @Test
  void refusesAKeyWhereCertificatesBelongAndTheOtherWayRound() {
    String key = Pem.privateKey(KeyType.EC_P256.generate(new SecureRandom()).getPrivate());

    assertThatThrownBy(() -> Pem.readCertificates(key, "cert.pem"))
        .hasMessage("PEM cert.pem: block 1 is a PRIVATE KEY (expected: CERTIFICATE)");
  }

  @Test
  void refusesWeakKeys() {
    assertThatThrownBy(() -> KeyType.of(rsa(1024)))
        .hasMessage("RSA key of 1024 bits is too weak (expected: at least 2048)");
  }

  private static java.security.PublicKey rsa(int bits) {
    try {
      java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
      generator.initialize(bits);
      return generator.generateKeyPair().getPublic();
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }
}
