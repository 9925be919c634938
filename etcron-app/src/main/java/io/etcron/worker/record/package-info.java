/**
 * How a worker's run records reach the run store: {@link io.etcron.worker.record.RunRecorder}, the
 * batched asynchronous writer (writes never block scheduling and are never dropped; when the store
 * is slow or down it pushes back and the worker stops claiming), its local fsync'ed {@link
 * io.etcron.worker.record.RunJournal} of ends, and the exit notes a command's watchdog leaves for
 * the worker's next life.
 *
 * <p>Depends on the domain packages only ({@link io.etcron.run.RunStore} is the port).
 */
package io.etcron.worker.record;
