package io.etcron.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvVarsTest {

  @Test
  void parameters_are_checked_like_a_jobs_env_and_each_error_names_its_variable() {
    Map<String, String> raw = new HashMap<>();
    raw.put("OK", "fine");
    raw.put("1BAD", "x");
    raw.put("Etcron_Run_Id", "x");
    raw.put("NUL", "a\0b");
    raw.put("NONE", null);
    raw.put("LONG", "x".repeat(EnvVars.MAX_VALUE + 1));
    assertThatThrownBy(() -> EnvVars.parameters(raw))
        .isInstanceOfSatisfying(
            InvalidJobException.class,
            e ->
                assertThat(e.errors())
                    .extracting(FieldError::field)
                    .containsExactlyInAnyOrder(
                        "env.1BAD", "env.Etcron_Run_Id", "env.NUL", "env.NONE", "env.LONG"));
    // The same variables in a job's env: the same rules, reported on the field env.
    JobSpec spec = JobSpecs.of("j", "@daily", "true").env(raw).build();
    assertThatThrownBy(() -> Job.from(spec, Instant.now()))
        .isInstanceOfSatisfying(
            InvalidJobException.class,
            e -> {
              assertThat(e.errors()).hasSize(5).allMatch(f -> f.field().equals("env"));
              assertThat(e.getMessage()).contains("env: Etcron_Run_Id is reserved");
            });
  }

  @Test
  void at_most_max_count_parameters_and_valid_ones_come_back_in_name_order() {
    Map<String, String> many = new HashMap<>();
    for (int i = 0; i <= EnvVars.MAX_COUNT; i++) {
      many.put("V" + i, "x");
    }
    assertThatThrownBy(() -> EnvVars.parameters(many))
        .isInstanceOfSatisfying(
            InvalidJobException.class,
            e ->
                assertThat(e.errors())
                    .singleElement()
                    .extracting(FieldError::field)
                    .isEqualTo("env"));
    assertThat(EnvVars.parameters(Map.of("B", "2", "A", "", "_c", "3")).keySet())
        .containsExactly("A", "B", "_c");
    assertThat(EnvVars.parameters(null)).isEmpty();
  }
}
