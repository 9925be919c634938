package io.etcron.cli;

import io.etcron.master.auth.Role;
import io.etcron.master.auth.Tokens;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code etcron token hash}: the line a tokens file holds instead of a secret, offline. */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = "Master tokens, offline.",
    subcommands = TokenCommand.Hash.class)
final class TokenCommand {

  @Command(
      name = "hash",
      mixinStandardHelpOptions = true,
      description =
          "Read a secret from the first line of stdin and print sha256:HEX, to write in"
              + " --tokens-file or --token as NAME:ROLE:sha256:HEX instead of the secret.")
  static final class Hash implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--name", description = "Print the whole line NAME:ROLE:sha256:HEX.")
    String name;

    @Option(names = "--role", description = "viewer, operator or admin (with --name).")
    String role;

    @Override
    public Integer call() throws IOException {
      if ((name == null) != (role == null)) {
        throw new IllegalArgumentException("--name and --role go together");
      }
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String secret = in.readLine();
      if (secret == null || secret.strip().isEmpty()) {
        throw new IllegalArgumentException(
            "no secret on stdin: e.g. openssl rand -hex 16 | tee secret | etcron token hash");
      }
      String hashed = Tokens.hashed(secret.strip());
      String line = name == null ? hashed : name + ":" + Role.parse(role).lower() + ":" + hashed;
      Tokens.parse(List.of(name == null ? "x:viewer:" + hashed : line)); // checks name
      spec.commandLine().getOut().println(line);
      return ExitCodes.OK;
    }
  }
}
