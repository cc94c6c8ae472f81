package dev.meshlet.discovery.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.core.config.Kind;
import dev.meshlet.core.config.ResourceId;
import java.util.List;
import org.junit.jupiter.api.Test;

class StoreStateTest {

  @Test
  void aStateThatAReaderHoldsStaysAsItWasWhileLaterChangesShareItsMaps() {
    StoreState s1 = StoreState.EMPTY.apply(EmbeddedStoreTest.batch(1, 3), 1)
        .apply(EmbeddedStoreGroupCommitTest.register(1, 1), 2);
    StoreState s2 = s1.apply(EmbeddedStoreGroupCommitTest.register(1, 2), 3)
        .apply(new Change.Deregister("l-1-1", "gone"), 4)
        .apply(new Change.ConfigChange(List.of(EmbeddedStoreTest.rule("r9", 2)),
            List.of(new ResourceId(Kind.DESTINATION_RULE, "default", "r0"))), 5);

    // The held version is untouched by the changes applied after it.
    assertThat(s1.version()).isEqualTo(2);
    assertThat(s1.registrations().keySet()).containsExactly("l-1-1");
    assertThat(s1.endpointTombstones()).isEmpty();
    assertThat(s1.config().keySet()).extracting(ResourceId::name).containsExactly("r0", "r1", "r2");
    assertThat(s1.configTombstones()).isEmpty();

    assertThat(s2.registrations().keySet()).containsExactly("l-1-2");
    assertThat(s2.endpointTombstones()).containsEntry("l-1-1", 4L);
    assertThat(s2.config().keySet()).extracting(ResourceId::name).containsExactly("r1", "r2", "r9");
    assertThat(s2.configTombstones()).containsEntry(new ResourceId(Kind.DESTINATION_RULE, "default", "r0"), 5L);
    // An unrelated map is shared, not copied.
    assertThat(s2.tokens()).isSameAs(s1.tokens());
  }
}
