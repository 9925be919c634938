package io.etcron.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoopbackPortsTest {
  @AfterEach
  void no_slice() {
    System.clearProperty(LoopbackPorts.SLICE);
  }

  @Test
  void a_slice_hands_out_its_own_ports_never_twice_and_never_a_successor_it_promised()
      throws Exception {
    System.setProperty(LoopbackPorts.SLICE, "3");
    Set<Integer> seen = new HashSet<>();
    int withNext = LoopbackPorts.freeWithNext();
    seen.add(withNext);
    seen.add(withNext + 1);
    List<Integer> more = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      more.add(LoopbackPorts.free());
    }
    for (int p : LoopbackPorts.free(4)) {
      more.add(p);
    }
    for (int p : more) {
      assertThat(seen.add(p)).as("port %d handed out twice", p).isTrue();
    }
    assertThat(seen).allMatch(p -> p >= 24_000 && p < 26_000, "in slice 3");
    // Free when handed out: a server binds it.
    try (ServerSocket s = new ServerSocket(more.get(0), 1, InetAddress.getLoopbackAddress())) {
      assertThat(s.getLocalPort()).isEqualTo(more.get(0));
    }
  }

  @Test
  void a_port_in_use_is_skipped() throws Exception {
    System.setProperty(LoopbackPorts.SLICE, "4");
    int first = LoopbackPorts.free();
    // Hold the port the slice would hand out next.
    int nextUp = first + 1;
    try (ServerSocket held = new ServerSocket(nextUp, 1, InetAddress.getLoopbackAddress())) {
      assertThat(LoopbackPorts.free()).isNotEqualTo(nextUp);
    }
  }

  @Test
  void a_bad_slice_is_named() {
    System.setProperty(LoopbackPorts.SLICE, "9");
    assertThatThrownBy(LoopbackPorts::free)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("etcron.ports.slice must be from 1 to 6, not 9");
  }

  @Test
  void without_a_slice_the_kernel_picks() {
    int[] ports = LoopbackPorts.free(3);
    assertThat(ports).doesNotHaveDuplicates().hasSize(3);
  }
}
