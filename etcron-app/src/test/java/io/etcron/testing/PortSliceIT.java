package io.etcron.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcron.etcd.LoopbackPorts;
import org.junit.jupiter.api.Test;

/** The integration test JVMs run side by side, each picking ports from a slice of its own. */
class PortSliceIT {
  @Test
  void this_jvm_has_a_slice_and_takes_its_ports_from_it() {
    String slice = System.getProperty(LoopbackPorts.SLICE, "");
    assertThat(slice).as(LoopbackPorts.SLICE).matches("[1-6]");
    int port = LoopbackPorts.free();
    int low = 20_000 + (Integer.parseInt(slice) - 1) * 2_000;
    assertThat(port).isBetween(low, low + 1_999);
  }
}
