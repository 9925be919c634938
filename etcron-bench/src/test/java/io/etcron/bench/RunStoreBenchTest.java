package io.etcron.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcron.runlog.RunStores;
import io.etcron.runlog.SqlRunStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench runstore}, small, on the embedded database: every path runs and reports. */
class RunStoreBenchTest {
  @TempDir Path dir;

  @Test
  @SuppressWarnings("unchecked")
  void writes_and_listings_report_rows_per_second_and_ratios() throws Exception {
    StringWriter text = new StringWriter();
    try (SqlRunStore store = RunStores.open(RunStores.h2Url(dir))) {
      Map<String, Object> json =
          new RunStoreBench(store, new PrintWriter(text)).run(500, 2, 200, 50);
      Map<String, Object> writes = (Map<String, Object>) json.get("writes");
      assertThat(writes.get("rows")).isEqualTo(200);
      assertThat((Long) writes.get("plain_insert_loop_rows_per_s")).isPositive();
      assertThat((Long) writes.get("upsert_batch_new_rows_per_s")).isPositive();
      assertThat((Map<String, Object>) json.get("queries")).containsKey("runs of a job");
    }
    assertThat(text.toString())
        .contains("plain INSERT loop")
        .contains("\"benchmark\":\"runstore\"");
  }
}
