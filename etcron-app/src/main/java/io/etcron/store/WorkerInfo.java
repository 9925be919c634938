package io.etcron.store;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A live worker, as registered at {@code workers/<id>} on its session lease.
 *
 * @param id the worker's id (unique in the cluster)
 * @param host host name
 * @param pid process id
 * @param version etcron version
 * @param tags what the worker offers; a job runs only on workers having all its tags
 * @param capacity how many runs it executes at once
 * @param startedAt when the worker started
 * @param running the run ids it executes now
 * @param lease its session lease, in hex
 * @param draining whether it is shutting down: it claims nothing new, so its peers do not wait for
 *     it to take the fires it would be preferred for (absent in registrations of older versions:
 *     false)
 */
public record WorkerInfo(
    String id,
    String host,
    long pid,
    String version,
    Set<String> tags,
    int capacity,
    Instant startedAt,
    List<String> running,
    String lease,
    Boolean draining) {

  public WorkerInfo {
    draining = Boolean.TRUE.equals(draining);
  }
}
