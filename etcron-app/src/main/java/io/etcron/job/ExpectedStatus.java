package io.etcron.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The HTTP statuses that count as success for an HTTP job: single codes ({@code 204}) and classes
 * ({@code 3xx}, the codes 300-399). Immutable.
 *
 * @param codes single codes, each 100-599
 * @param classes the hundreds digit of each class, each 1-5
 */
public record ExpectedStatus(Set<Integer> codes, Set<Integer> classes) {
  /** Any 2xx status. */
  public static final ExpectedStatus DEFAULT = new ExpectedStatus(Set.of(), Set.of(2));

  public ExpectedStatus {
    codes = Set.copyOf(codes);
    classes = Set.copyOf(classes);
  }

  /** Whether {@code status} is one of the expected ones. */
  public boolean matches(int status) {
    return codes.contains(status) || classes.contains(status / 100);
  }

  /** The statuses as a job writes them: codes as numbers, then classes as {@code "2xx"}. */
  public List<Object> toSpec() {
    List<Object> out = new ArrayList<>(new TreeSet<>(codes));
    new TreeSet<>(classes).forEach(c -> out.add(c + "xx"));
    return out;
  }

  /** The statuses in words, e.g. {@code 200, 204 or 3xx}. */
  @Override
  public String toString() {
    List<String> parts = toSpec().stream().map(String::valueOf).toList();
    return parts.size() == 1
        ? parts.get(0)
        : String.join(", ", parts.subList(0, parts.size() - 1))
            + " or "
            + parts.get(parts.size() - 1);
  }
}
