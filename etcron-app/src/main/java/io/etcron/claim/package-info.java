/**
 * Turns due fires into at most one run each, cluster-wide, with etcd transactions on the job's
 * cursor: {@code If(Value(cursor/J) < pad(T)) Then(Get(cursor/J), Put(cursor/J, pad(T)), <policy
 * op>) Else(Get(cursor/J))}. The cursor only moves forward, so whoever moves it past T owns fire T
 * and nobody else ever will. Fires due together are claimed in one transaction holding one nested
 * transaction per fire.
 *
 * <p>Depends on the domain packages, the store's key layout and jetcd.
 */
package io.etcron.claim;
