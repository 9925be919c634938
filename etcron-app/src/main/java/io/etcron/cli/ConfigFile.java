package io.etcron.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * A server's settings from three places with one set of names: a flag {@code --retention-runs 5}
 * wins over the variable {@code ETCRON_RETENTION_RUNS=5}, which wins over the key {@code
 * retention-runs: 5} of the {@code --config} YAML file ({@code $ETCRON_CONFIG} by default), which
 * wins over the built-in default. One file can serve every server of a machine: a section named
 * after a command ({@code master:}, {@code worker:}) holds that command's own settings and wins
 * over the top level. A key no command knows is an error naming it. Stateless.
 */
final class ConfigFile {
  /** Options that are not settings: never read from a file or a variable. */
  private static final Set<String> NOT_SETTINGS = Set.of("help", "version", "config");

  /**
   * Settings with no variable of their own name: {@code ETCRON_TOKEN} is the client's token, and
   * the master reads its list from {@code ETCRON_TOKENS}.
   */
  private static final Set<String> NO_VARIABLE = Set.of("token");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private ConfigFile() {}

  /**
   * Sets every option of {@code spec} that the command line did not give from its {@code ETCRON_*}
   * variable, else from {@code file}.
   *
   * @throws IllegalArgumentException naming the file and the key or value at fault
   */
  static void apply(CommandSpec spec, Optional<Path> file, Function<String, String> env) {
    Map<String, OptionSpec> options = new LinkedHashMap<>();
    for (OptionSpec o : spec.options()) {
      String key = o.longestName().replaceFirst("^--?", "");
      if (!NOT_SETTINGS.contains(key)) {
        options.put(key, o);
      }
    }
    Map<String, List<String>> fromFile =
        file.map(f -> read(f, spec.name(), options.keySet(), siblings(spec))).orElse(Map.of());
    ParseResult given = spec.commandLine().getParseResult();
    for (var e : options.entrySet()) {
      OptionSpec o = e.getValue();
      if (given != null && given.hasMatchedOption(o)) {
        continue;
      }
      String variable = variable(e.getKey());
      String fromEnv = NO_VARIABLE.contains(e.getKey()) ? null : env.apply(variable);
      if (fromEnv != null && !fromEnv.isBlank()) {
        set(o, o.isMultiValue() ? List.of(fromEnv.split(",")) : List.of(fromEnv), variable);
      } else if (fromFile.containsKey(e.getKey())) {
        set(o, fromFile.get(e.getKey()), file.get() + ": " + e.getKey());
      }
    }
  }

  /** The variable of a key, e.g. {@code retention-runs} → {@code ETCRON_RETENTION_RUNS}. */
  static String variable(String key) {
    return "ETCRON_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /** The setting keys of every command beside {@code spec}'s, by command name. */
  private static Map<String, Set<String>> siblings(CommandSpec spec) {
    Map<String, Set<String>> keys = new LinkedHashMap<>();
    CommandSpec root = spec.root();
    root.subcommands()
        .forEach(
            (name, cl) -> {
              Set<String> own = new TreeSet<>();
              for (OptionSpec o : cl.getCommandSpec().options()) {
                own.add(o.longestName().replaceFirst("^--?", ""));
              }
              keys.put(name, own);
            });
    return keys;
  }

  /**
   * The settings of command {@code command} in {@code file}: its known top-level keys, overridden
   * by those of a section named after it ({@code worker:}, {@code master:}), so that one file can
   * serve every server of a machine. A top-level key that only another command knows, and other
   * commands' sections, are left to them; a key no command knows is an error.
   */
  private static Map<String, List<String>> read(
      Path file, String command, Set<String> known, Map<String, Set<String>> commands) {
    JsonNode root;
    try {
      root = YAML.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the config file " + file + ": " + e.getMessage().split("\n")[0]);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return Map.of();
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException(
          file + ": must be a map of settings such as \"port: 8080\"");
    }
    Set<String> anyCommand = new TreeSet<>();
    commands.values().forEach(anyCommand::addAll);
    Map<String, List<String>> values = new LinkedHashMap<>();
    Map<String, List<String>> section = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      var e = it.next();
      if (e.getValue().isObject() && commands.containsKey(e.getKey())) {
        if (e.getKey().equals(command)) {
          for (Iterator<Map.Entry<String, JsonNode>> f = e.getValue().fields(); f.hasNext(); ) {
            var k = f.next();
            if (!known.contains(k.getKey())) {
              throw unknown(file, command + "." + k.getKey(), known);
            }
            section.put(k.getKey(), strings(file, command + "." + k.getKey(), k.getValue()));
          }
        }
        continue;
      }
      if (known.contains(e.getKey())) {
        values.put(e.getKey(), strings(file, e.getKey(), e.getValue()));
      } else if (!anyCommand.contains(e.getKey())) {
        throw unknown(file, e.getKey(), known);
      }
    }
    values.putAll(section);
    return values;
  }

  private static IllegalArgumentException unknown(Path file, String key, Set<String> known) {
    return new IllegalArgumentException(
        file
            + ": unknown key \""
            + key
            + "\"; known keys are "
            + String.join(", ", new TreeSet<>(known)));
  }

  private static List<String> strings(Path file, String key, JsonNode v) {
    if (v.isValueNode() && !v.isNull()) {
      return List.of(v.asText());
    }
    if (v.isArray()) {
      List<String> out = new ArrayList<>();
      for (JsonNode item : v) {
        if (!item.isValueNode() || item.isNull()) {
          throw new IllegalArgumentException(file + ": " + key + ": list items must be values");
        }
        out.add(item.asText());
      }
      return out;
    }
    throw new IllegalArgumentException(file + ": " + key + ": must be a value or a list of values");
  }

  private static void set(OptionSpec o, List<String> raw, String source) {
    if (!o.isMultiValue() && raw.size() != 1) {
      throw new IllegalArgumentException(source + ": takes one value, not a list");
    }
    try {
      if (o.isMultiValue()) {
        List<Object> list = new ArrayList<>();
        for (String r : raw) {
          list.add(convert(o, o.typeInfo().getAuxiliaryTypeInfos().get(0).getType(), r));
        }
        o.setValue(list);
      } else {
        o.setValue(convert(o, o.type(), raw.get(0)));
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          source + ": \"" + String.join(",", raw) + "\" is not valid: " + e.getMessage());
    }
  }

  private static Object convert(OptionSpec o, Class<?> type, String raw) {
    ITypeConverter<?>[] converters = o.converters();
    try {
      if (converters != null && converters.length > 0) {
        return converters[0].convert(raw);
      }
    } catch (Exception e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    String v = raw.trim();
    if (type == String.class) {
      return raw;
    }
    if (type == int.class || type == Integer.class) {
      return Integer.parseInt(v);
    }
    if (type == long.class || type == Long.class) {
      return Long.parseLong(v);
    }
    if (type == boolean.class || type == Boolean.class) {
      if (!v.equals("true") && !v.equals("false")) {
        throw new IllegalArgumentException("must be true or false");
      }
      return Boolean.parseBoolean(v);
    }
    if (type == Path.class) {
      return Path.of(v);
    }
    if (type.isEnum()) {
      for (Object constant : type.getEnumConstants()) {
        if (((Enum<?>) constant).name().equalsIgnoreCase(v)) {
          return constant;
        }
      }
      throw new IllegalArgumentException(
          "must be one of " + Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
    }
    throw new IllegalStateException(
        "option "
            + o.longestName()
            + " of type "
            + type.getSimpleName()
            + " cannot be configured"
            + " here; types are "
            + Arrays.asList("String", "int", "long", "boolean", "Path", "an enum"));
  }
}
