package dev.meshlet.core.config.validation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Hosts and addresses as Istio's Go reads them (netip, ValidateWildcardDomain, host.Name). */
class HostChecksTest {

  @ParameterizedTest
  @CsvSource({
      "1.2.3.4, true", "255.255.255.255, true", "256.1.1.1, false", "01.2.3.4, false", "1.2.3, false",
      "::, true", "::1, true", "2001:db8::, true", "001:db8::, true", "2001:db8::10::20, false",
      "1:2:3:4:5:6:7:8, true", "1:2:3:4:5:6:7:8:9, false", "::ffff:10.0.0.1, true", "fe80::1%eth0, true",
      "gggg::1, false", "reviews, false", "'', false"})
  void readsIpAddressesAsGoDoes(String address, boolean ip) {
    assertThat(HostChecks.isIpAddress(address)).isEqualTo(ip);
  }

  @ParameterizedTest
  @CsvSource({
      "10.0.0.0/8, true", "10.0.0.1/32, true", "10.0.0.0/33, false", "2001:db8::/32, true", "2001:db8::/129, false",
      "10.0.0.0/, false", "10.0.0.0/08, false", "10.0.0.1, true", "a.b/8, false"})
  void readsSubnetsAsGoDoes(String subnet, boolean valid) {
    assertThat(HostChecks.ipSubnet(subnet) == null).isEqualTo(valid);
  }

  @ParameterizedTest
  @CsvSource({
      "'*', true", "*.bar.com, true", "*foo, true", "*foo.bar.com, true", "*-foo.bar.com, true",
      "foo.*.com, false", "foo*.bar.com, false", "1.1.1.1, false", "Reviews, true", "reviews.default.svc.cluster.local., true",
      "under_score, false", "a..b, false", "'', false"})
  void readsWildcardHostsAsIstioDoes(String host, boolean valid) {
    assertThat(HostChecks.wildcardDomain(host) == null).as(String.valueOf(HostChecks.wildcardDomain(host))).isEqualTo(valid);
  }

  @ParameterizedTest
  @CsvSource({
      "*.foo.com, bar.foo.com, true", "*.com, *.foo.com, true", "foo.com, foo.com, true", "foo.com, bar.com, false",
      "*.foo.com, foo.com, false"})
  void findsOverlappingHosts(String a, String b, boolean overlap) {
    assertThat(HostChecks.hostsOverlap(a, b)).isEqualTo(overlap);
    assertThat(HostChecks.hostsOverlap(b, a)).isEqualTo(overlap);
  }
}
