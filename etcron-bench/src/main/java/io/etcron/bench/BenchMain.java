package io.etcron.bench;

import io.etcron.cli.Main;
import java.util.List;

/**
 * The main class of the benchmarks' jar ({@code etcron-bench.jar}): the product's {@code etcron}
 * command line with {@code bench} added, so {@code java -jar etcron-bench.jar bench lock} and every
 * product command run from one jar. The worker processes a benchmark starts run the product's
 * {@link Main} from the same jar, where the product finds {@link JsonLinesProvider}.
 */
public final class BenchMain {
  private BenchMain() {}

  /** Runs {@code etcron ARGS} with the {@code bench} subcommand and exits with its code. */
  public static void main(String[] args) {
    System.exit(Main.run(List.of(new BenchCommand()), args));
  }
}
