package io.etcron.store;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The value of {@code claims/<run id>}: durable evidence that a worker owns a fire, written by the
 * claim transaction itself (no lease) and deleted by the owner once the fire's first record is
 * stored. After an ambiguous answer the claimer reads it back to learn whether it owns the fire;
 * the elected sweeper turns claims whose lease has ended into LOST records.
 *
 * @param worker the claiming worker's id
 * @param lease the claiming session's lease id
 * @param run the run id
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClaimRecord(String worker, long lease, String run) {}
