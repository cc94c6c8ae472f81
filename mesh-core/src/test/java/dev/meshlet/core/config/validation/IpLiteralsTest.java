package dev.meshlet.core.config.validation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralsTest {
  @ParameterizedTest
  @ValueSource(strings = {
      "10.1.2.3", "0.0.0.0", "255.255.255.255", "::", "::1", "2001:db8::1", "fe80::1%eth0",
      "::ffff:10.0.0.1", "1:2:3:4:5:6:7:8", "1::8", "ABCD:ef01::", "1:2:3:4:5:6:1.2.3.4"})
  void acceptsAddressesGoAccepts(String s) {
    assertThat(IpLiterals.isAddressOrCidr(s)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "10.0.0.0/8", "10.1.2.3/32", "0.0.0.0/0", "2001:db8::/32", "::/0", "::1/128", "10.1.2.3/24"})
  void acceptsRangesGoAccepts(String s) {
    assertThat(IpLiterals.isAddressOrCidr(s)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "ip1", "1.2.3", "1.2.3.4.5", "1.2.3.256", "01.2.3.4", "1.2.3.-1", "a.b.c.d", "localhost",
      "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "1:2:3:4:5:6:7", "g::1", ":1", "1:", "fe80::1%",
      "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/08", "::/129", "fe80::1%eth0/64", "10.0.0.0/8/8", "١.2.3.4"})
  void refusesWhatGoRefusesWithoutAskingDns(String s) {
    assertThat(IpLiterals.isAddressOrCidr(s)).isFalse();
  }
}
