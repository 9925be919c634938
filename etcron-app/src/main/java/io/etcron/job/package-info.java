/**
 * Jobs: the validated definition ({@link io.etcron.job.Job}), the raw input it is made from ({@link
 * io.etcron.job.JobSpec}), and the {@link io.etcron.job.JobStore} seam. Pure domain: depends on the
 * JDK and {@code io.etcron.schedule} only; raw input becomes value types here, once.
 */
package io.etcron.job;
