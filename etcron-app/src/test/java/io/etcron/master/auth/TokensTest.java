package io.etcron.master.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokensTest {
  static final String SECRET = "0123456789abcdef-secret";

  @Test
  void a_hashed_secret_matches_the_secret_it_was_made_from() {
    String hashed = Tokens.hashed(SECRET);
    assertThat(hashed).matches("sha256:[0-9a-f]{64}");
    Tokens tokens = Tokens.parse(List.of("ops:operator:" + hashed));
    assertThat(tokens.lookup(SECRET).orElseThrow()).isEqualTo(new Principal("ops", Role.OPERATOR));
    assertThat(tokens.lookup(hashed)).as("the hash is not the secret").isEmpty();
    assertThat(tokens.lookup(SECRET + "x")).isEmpty();
  }

  @Test
  void sha256_of_a_known_secret_is_the_one_sha256sum_prints() {
    // printf %s 0123456789abcdef-secret | sha256sum
    assertThat(Tokens.hashed(SECRET)).isEqualTo("sha256:" + sha256sum(SECRET));
  }

  @Test
  void plain_and_hashed_tokens_mix_and_upper_case_hex_is_accepted() {
    Tokens tokens =
        Tokens.parse(
            List.of(
                "alice:admin:" + SECRET + "-alice",
                "bob:viewer:" + Tokens.hashed(SECRET).toUpperCase().replace("SHA256:", "sha256:")));
    assertThat(tokens.lookup(SECRET + "-alice").orElseThrow().name()).isEqualTo("alice");
    assertThat(tokens.lookup(SECRET).orElseThrow().name()).isEqualTo("bob");
    assertThat(tokens.size()).isEqualTo(2);
  }

  @Test
  void bad_specs_are_named_without_their_secret() {
    assertThatThrownBy(() -> Tokens.parse(List.of("ops:operator:short")))
        .hasMessageContaining("\"ops\" needs a secret of at least 16")
        .hasMessageNotContaining("short\"");
    assertThatThrownBy(() -> Tokens.parse(List.of("ops:operator:sha256:abc")))
        .hasMessageContaining("sha256: and 64 hex digits");
    assertThatThrownBy(() -> Tokens.parse(List.of("ops:root:" + SECRET)))
        .hasMessageContaining("viewer, operator, admin");
    assertThatThrownBy(() -> Tokens.parse(List.of("ops"))).hasMessageContaining("name:role:secret");
    assertThatThrownBy(() -> Tokens.hashed("short")).hasMessageContaining("at least 16");
  }

  private static String sha256sum(String s) {
    try {
      Process p = new ProcessBuilder("sha256sum").start();
      p.getOutputStream().write(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      p.getOutputStream().close();
      String out =
          new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      p.waitFor();
      return out.split(" ")[0];
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
