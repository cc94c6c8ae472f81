package dev.meshlet.core.config.validation;

import static dev.meshlet.core.config.validation.PolicyChecks.notEmpty;

import dev.meshlet.core.config.networking.ClientTlsSettings;
import dev.meshlet.core.config.networking.ServerTlsSettings;
import java.util.HashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Istio's ValidateTLS (client side, DestinationRule) and validateTLSOptions (server side, Sidecar ingress). */
final class TlsChecks {
  private TlsChecks() {}

  /** Istio's ValidateTLS for ClientTLSSettings. */
  static void clientTls(Checks c, String path, @Nullable ClientTlsSettings t) {
    if (t == null) {
      return;
    }
    ClientTlsSettings.TlsMode mode = t.mode() == null ? ClientTlsSettings.TlsMode.DISABLE : t.mode();
    boolean caCerts = notEmpty(t.caCertificates());
    boolean credential = notEmpty(t.credentialName());
    if (Boolean.TRUE.equals(t.insecureSkipVerify())) {
      if (mode == ClientTlsSettings.TlsMode.SIMPLE && (caCerts || credential || !t.subjectAltNames().isEmpty())) {
        c.error(path, "cannot specify CaCertificates or CredentialName or SubjectAltNames when InsecureSkipVerify is set true");
      }
      if (mode == ClientTlsSettings.TlsMode.MUTUAL && (caCerts || !t.subjectAltNames().isEmpty())) {
        c.error(path, "cannot specify CaCertificates or SubjectAltNames when InsecureSkipVerify is set true");
      }
    }
    boolean simpleOrMutual = mode == ClientTlsSettings.TlsMode.SIMPLE || mode == ClientTlsSettings.TlsMode.MUTUAL;
    if (simpleOrMutual && credential) {
      if (notEmpty(t.clientCertificate()) || caCerts || notEmpty(t.privateKey()) || notEmpty(t.caCrl())) {
        c.error(path, "cannot specify client certificates or CA certificate or CA CRL If credentialName is set");
      }
      return; // the credential holds everything
    }
    if (mode == ClientTlsSettings.TlsMode.MUTUAL) {
      if (!notEmpty(t.clientCertificate())) {
        c.error(path + ".clientCertificate", "client certificate required for mutual tls");
      }
      if (!notEmpty(t.privateKey())) {
        c.error(path + ".privateKey", "private key required for mutual tls");
      }
    }
  }

  /** Istio's validateTLSOptions for ServerTLSSettings, with the CRD's exclusivity rules. */
  static void serverTls(Checks c, String path, ServerTlsSettings t) {
    if (!t.tlsCertificates().isEmpty() && !t.credentialNames().isEmpty()) {
      c.error(path, "only one of credentialNames or tlsCertificates can be set");
    }
    if (notEmpty(t.credentialName()) && !t.credentialNames().isEmpty()) {
      c.error(path, "only one of credentialName or credentialNames can be set");
    }
    if (t.credentialNames().size() > 2) {
      c.error(path + ".credentialNames", "at most 2 entries are allowed");
    }
    if (t.tlsCertificates().size() > 2) {
      c.error(path + ".tlsCertificates", "at most 2 entries are allowed");
    }
    if ((t.minProtocolVersion() == ServerTlsSettings.TlsProtocol.TLSV1_0
        || t.minProtocolVersion() == ServerTlsSettings.TlsProtocol.TLSV1_1) && t.cipherSuites().isEmpty()) {
      c.warn(path + ".minProtocolVersion",
          "TLS version below TLSV1_2 require setting compatible ciphers as by default they no longer include compatible ciphers.");
    }
    Set<String> ciphers = new HashSet<>();
    for (String cs : t.cipherSuites()) {
      if (!ciphers.add(cs)) {
        c.warn(path + ".cipherSuites", "ignoring duplicate cipher suites: [" + cs + "]");
      }
    }
    ServerTlsSettings.TlsMode mode = t.mode() == null ? ServerTlsSettings.TlsMode.PASSTHROUGH : t.mode();
    boolean cert = notEmpty(t.serverCertificate()) || !t.tlsCertificates().isEmpty();
    boolean key = notEmpty(t.privateKey()) || !t.tlsCertificates().isEmpty();
    boolean credential = notEmpty(t.credentialName()) || !t.credentialNames().isEmpty();
    if (mode == ServerTlsSettings.TlsMode.ISTIO_MUTUAL) {
      if (notEmpty(t.serverCertificate())) {
        c.error(path + ".serverCertificate", "ISTIO_MUTUAL TLS cannot have associated server certificate");
      }
      if (notEmpty(t.privateKey())) {
        c.error(path + ".privateKey", "ISTIO_MUTUAL TLS cannot have associated private key");
      }
      if (notEmpty(t.caCertificates())) {
        c.error(path + ".caCertificates", "ISTIO_MUTUAL TLS cannot have associated CA bundle");
      }
      if (notEmpty(t.credentialName())) {
        c.error(path + ".credentialName", "ISTIO_MUTUAL TLS cannot have associated credentialName");
      }
      return;
    }
    if ((mode == ServerTlsSettings.TlsMode.PASSTHROUGH || mode == ServerTlsSettings.TlsMode.AUTO_PASSTHROUGH)
        && (notEmpty(t.caCrl()) || cert || key || notEmpty(t.caCertificates()) || credential)) {
      c.warn(path, mode + " mode does not use certificates, they will be ignored");
    }
    boolean terminating = mode == ServerTlsSettings.TlsMode.SIMPLE || mode == ServerTlsSettings.TlsMode.MUTUAL
        || mode == ServerTlsSettings.TlsMode.OPTIONAL_MUTUAL;
    if (terminating && credential) {
      return; // certificates are fetched by credential name
    }
    if (mode == ServerTlsSettings.TlsMode.SIMPLE) {
      if (!cert) {
        c.error(path + ".serverCertificate", "SIMPLE TLS requires a server certificate");
      }
      if (!key) {
        c.error(path + ".privateKey", "SIMPLE TLS requires a private key");
      }
    } else if (mode == ServerTlsSettings.TlsMode.MUTUAL || mode == ServerTlsSettings.TlsMode.OPTIONAL_MUTUAL) {
      if (!cert) {
        c.error(path + ".serverCertificate", "MUTUAL TLS requires a server certificate");
      }
      if (!key) {
        c.error(path + ".privateKey", "MUTUAL TLS requires a private key");
      }
      if (!notEmpty(t.caCertificates()) && !notEmpty(t.caCertCredentialName())) {
        c.error(path + ".caCertificates", "MUTUAL TLS requires a client CA bundle");
      }
    }
    if (notEmpty(t.caCrl())) {
      if (notEmpty(t.credentialName())) {
        c.error(path + ".caCrl", "CRL is not supported with credentialName. CRL has to be specified in the credential");
      }
      if (mode == ServerTlsSettings.TlsMode.SIMPLE) {
        c.error(path + ".caCrl", "CRL is not supported with SIMPLE TLS");
      }
    }
  }
}
