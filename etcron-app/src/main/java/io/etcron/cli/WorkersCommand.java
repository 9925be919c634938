package io.etcron.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.etcron.json.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code etcron workers}: the live workers. */
@Command(name = "workers", mixinStandardHelpOptions = true, description = "List the live workers.")
final class WorkersCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    JsonNode answer = client.client().get("/api/v1/workers").json();
    if (client.json()) {
      out.println(Json.write(answer));
      out.flush();
      return ExitCodes.OK;
    }
    Table t = new Table("ID", "HOST", "PID", "TAGS", "CAPACITY", "RUNNING", "UP SINCE");
    for (JsonNode w : answer.get("workers")) {
      List<String> tags = new ArrayList<>();
      w.get("tags").forEach(x -> tags.add(x.asText()));
      t.row(
          w.get("id").asText(),
          w.get("host").asText(),
          w.get("pid").asLong(),
          tags.isEmpty() ? "-" : String.join(",", tags),
          w.get("capacity").asInt(),
          w.get("running").size(),
          JobCommand.ago(w.get("startedAt").asText()));
    }
    t.print(out);
    return ExitCodes.OK;
  }
}
