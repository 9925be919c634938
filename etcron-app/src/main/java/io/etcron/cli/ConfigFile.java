package io.etcron.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Option defaults from a YAML file, e.g. {@code /etc/etcron/etcron.yaml} named by {@code
 * $ETCRON_CONFIG}. A top-level key is an option's long name without the dashes and applies to every
 * command that has the option; a section named after a command ({@code master:}, {@code worker:},
 * {@code standalone:}) applies to that command only and wins. A list is joined with commas. The
 * command line wins over the file. Validated once at load: an unknown key is an error. Immutable
 * and thread-safe.
 */
final class ConfigFile implements IDefaultValueProvider {
  private final JsonNode root;

  private ConfigFile(JsonNode root) {
    this.root = root;
  }

  /**
   * Reads and validates {@code file} against the options of {@code cl}'s commands.
   *
   * @throws IllegalArgumentException naming the file and the bad key
   */
  static ConfigFile load(Path file, CommandLine cl) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the config file " + file + ": " + e.getMessage());
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return new ConfigFile(com.fasterxml.jackson.databind.node.MissingNode.getInstance());
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException("config file " + file + ": expected a map of options");
    }
    Map<String, CommandLine> commands = cl.getSubcommands();
    Set<String> anyOption = new HashSet<>();
    commands.values().forEach(c -> anyOption.addAll(optionNames(c.getCommandSpec())));
    List<String> unknown = new ArrayList<>();
    root.fields()
        .forEachRemaining(
            e -> {
              if (e.getValue().isObject() && commands.containsKey(e.getKey())) {
                Set<String> own = optionNames(commands.get(e.getKey()).getCommandSpec());
                e.getValue()
                    .fieldNames()
                    .forEachRemaining(
                        k -> {
                          if (!own.contains(k)) {
                            unknown.add(e.getKey() + "." + k);
                          }
                        });
              } else if (!anyOption.contains(e.getKey())) {
                unknown.add(e.getKey());
              }
            });
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "config file " + file + ": unknown option " + String.join(", ", unknown));
    }
    return new ConfigFile(root);
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option) || !option.longestName().startsWith("--")) {
      return null;
    }
    String key = option.longestName().substring(2);
    CommandSpec command = arg.command();
    while (command.parent() != null && command.parent().parent() != null) {
      command = command.parent();
    }
    JsonNode value = root.path(command.name()).get(key);
    if (value == null && !root.path(key).isObject()) {
      value = root.get(key);
    }
    return value == null || value.isNull() ? null : text(value);
  }

  private static String text(JsonNode value) {
    if (value.isArray()) {
      List<String> items = new ArrayList<>();
      value.forEach(v -> items.add(v.asText()));
      return String.join(",", items);
    }
    return value.asText();
  }

  private static Set<String> optionNames(CommandSpec spec) {
    Set<String> names = new HashSet<>();
    for (OptionSpec o : spec.options()) {
      if (o.longestName().startsWith("--")) {
        names.add(o.longestName().substring(2));
      }
    }
    return names;
  }
}
