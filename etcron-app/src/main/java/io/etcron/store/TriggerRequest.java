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
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TriggerRequest(
    Instant at, String by, @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> env) {

  public TriggerRequest {
    env = env == null ? Map.of() : Map.copyOf(env);
  }
}
