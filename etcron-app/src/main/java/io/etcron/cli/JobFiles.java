package io.etcron.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.etcron.job.JobSpec;
import io.etcron.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads job definitions from YAML or JSON: one job, a list of jobs, or several YAML documents. */
final class JobFiles {
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private JobFiles() {}

  static List<JobSpec> read(String file) {
    String text;
    try {
      text =
          file.equals("-")
              ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
              : Files.readString(Path.of(file), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("no such file: " + file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
    }
    List<JsonNode> nodes = new ArrayList<>();
    try {
      String trimmed = text.stripLeading();
      if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
        nodes.add(Json.MAPPER.readTree(text));
      } else {
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(text)) {
          while (docs.hasNext()) {
            JsonNode doc = docs.next();
            if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
              nodes.add(doc);
            }
          }
        }
      }
    } catch (JacksonException e) {
      throw new IllegalArgumentException(
          file + " is neither valid YAML nor JSON: " + e.getOriginalMessage().split("\n")[0]);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
    }
    List<JobSpec> specs = new ArrayList<>();
    for (JsonNode node : nodes) {
      if (node.isArray()) {
        node.forEach(n -> specs.add(spec(file, n)));
      } else {
        specs.add(spec(file, node));
      }
    }
    if (specs.isEmpty()) {
      throw new IllegalArgumentException(file + " holds no job");
    }
    return specs;
  }

  private static JobSpec spec(String file, JsonNode node) {
    try {
      JobSpec s = Json.MAPPER.treeToValue(node, JobSpec.class);
      if (s.name() == null || s.name().isBlank()) {
        throw new IllegalArgumentException(file + ": every job needs a name");
      }
      return s;
    } catch (JacksonException e) {
      String where =
          e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException u
              ? "unknown field \"" + u.getPropertyName() + "\""
              : e.getOriginalMessage().split("\n")[0];
      throw new IllegalArgumentException(file + ": " + where);
    }
  }
}
