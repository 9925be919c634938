package io.etcron.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcron.master.auth.Role;
import io.etcron.master.auth.Tokens;
import java.util.List;
import org.junit.jupiter.api.Test;

class MasterSettingsTest {
  @Test
  void a_master_on_a_public_address_needs_tokens() {
    assertThatThrownBy(() -> MasterSettings.local(8080).withHost("0.0.0.0").validate())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("without tokens");
    MasterSettings.local(8080).validate();
    MasterSettings.local(8080)
        .withHost("0.0.0.0")
        .withTokens(Tokens.parse(List.of("a:admin:0123456789abcdef")))
        .validate();
  }

  @Test
  void tokens_name_a_role_and_a_long_enough_secret() {
    Tokens t = Tokens.parse(List.of("alice:admin:0123456789abcdef", "vic:viewer:fedcba9876543210"));
    assertThat(t.lookup("0123456789abcdef").orElseThrow().role()).isEqualTo(Role.ADMIN);
    assertThat(t.lookup("fedcba9876543210").orElseThrow().name()).isEqualTo("vic");
    assertThat(t.lookup("nope")).isEmpty();
    assertThatThrownBy(() -> Tokens.parse(List.of("bob:admin:short")))
        .hasMessageContaining("at least 16");
    assertThatThrownBy(() -> Tokens.parse(List.of("bob:boss:0123456789abcdef")))
        .hasMessageContaining("viewer, operator, admin");
    assertThatThrownBy(() -> Tokens.parse(List.of("no-colons")))
        .hasMessageContaining("name:role:secret");
  }

  @Test
  void roles_include_the_ones_below() {
    assertThat(Role.ADMIN.allows(Role.OPERATOR)).isTrue();
    assertThat(Role.OPERATOR.allows(Role.VIEWER)).isTrue();
    assertThat(Role.VIEWER.allows(Role.OPERATOR)).isFalse();
  }
}
