package io.etcron.store;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;

/**
 * A manual run request stored at {@code triggers/<job>/<millis>}; the worker that deletes the key
 * in its claim transaction owns the run, and runs it with the {@code env} it read from that key.
 * The value is written once, when the key is created, and never changed. Read tolerantly: a value
 * of an older master has no {@code env}, one of a newer master may have fields this one ignores.
 *
 * @param at when it was asked for (the run's fire time)
 * @param by who asked
 * @param env the run's parameters, validated ({@link io.etcron.job.EnvVars#parameters}); empty when
 *     none (left out of the JSON)
 * @param worker for one worker's run of a broadcast fire, the worker that runs it (no other claims
 *     it); null otherwise
 * @param shard with {@code worker}: the run's index among the fire's runs
 * @param total with {@code worker}: how many runs the fire has
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TriggerRequest(
    Instant at,
    String by,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> env,
    @JsonInclude(JsonInclude.Include.NON_NULL) String worker,
    @JsonInclude(JsonInclude.Include.NON_NULL) Integer shard,
    @JsonInclude(JsonInclude.Include.NON_NULL) Integer total) {

  public TriggerRequest {
    env = env == null ? Map.of() : Map.copyOf(env);
  }

  /** A manual run's request, or a run's after a parent's. */
  public TriggerRequest(Instant at, String by, Map<String, String> env) {
    this(at, by, env, null, null, null);
  }
}
