package dev.meshlet.tls.client;

import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Accepts a server whose certificate carries one of the expected subject alternative names,
 * whatever host was dialed: Envoy's {@code match_subject_alt_names}, as Istio configures it from
 * a DestinationRule's {@code subjectAltNames} (or its {@code sni} when those are empty). DNS
 * names match case-insensitively, with a certificate's {@code *.} wildcard covering one label;
 * URIs and IP addresses match exactly.
 */
final class SubjectAltNameVerifier implements HostnameVerifier {

  private static final int DNS = 2;
  private static final int URI = 6;
  private static final int IP = 7;

  private final List<String> expected;

  SubjectAltNameVerifier(List<String> expected) {
    this.expected = List.copyOf(expected);
  }

  @Override
  public boolean verify(String host, SSLSession session) {
    Certificate[] chain;
    try {
      chain = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return false;
    }
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
      return false;
    }
    Collection<List<?>> sans;
    try {
      sans = leaf.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return false;
    }
    if (sans == null) {
      return false;
    }
    for (List<?> san : sans) {
      int type = (Integer) san.get(0);
      String value = String.valueOf(san.get(1));
      for (String want : expected) {
        if ((type == URI || type == IP) && value.equals(want)) {
          return true;
        }
        if (type == DNS && dnsMatches(value, want)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean dnsMatches(String certName, String want) {
    String c = certName.toLowerCase(Locale.ROOT);
    String w = want.toLowerCase(Locale.ROOT);
    if (c.equals(w)) {
      return true;
    }
    if (c.startsWith("*.") && c.length() > 2) {
      int dot = w.indexOf('.');
      return dot > 0 && w.substring(dot).equals(c.substring(1));
    }
    return false;
  }

  @Override
  public String toString() {
    return "SubjectAltNameVerifier" + expected;
  }
}
