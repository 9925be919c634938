package io.etcron.store;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * The value of {@code claims/<run id>}: durable evidence that a worker owns a fire, written by the
 * claim transaction itself (no lease) and deleted by the owner once the fire's first record is
 * stored. After an ambiguous answer the claimer reads it back to learn whether it owns the fire;
 * the elected sweeper turns claims whose lease has ended into LOST records.
 *
 * @param worker the claiming worker's id
 * @param lease the claiming session's lease id
 * @param run the run id
 * @param params a manual run's parameters, so that a LOST record still shows them; empty when none
 *     (left out of the JSON; absent in claims of older workers)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClaimRecord(
    String worker,
    long lease,
    String run,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> params) {

  public ClaimRecord {
    params = params == null ? Map.of() : Map.copyOf(params);
  }

  /** A claim without parameters. */
  public ClaimRecord(String worker, long lease, String run) {
    this(worker, lease, run, Map.of());
  }
}
