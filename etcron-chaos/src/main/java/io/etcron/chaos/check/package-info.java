/**
 * The chaos test's checker: pure logic over a recorded history (what the commands logged, what the
 * run store holds, which fires etcd says were claimed, which faults were injected). It imports no
 * jetcd, JDBC or process code, so its tests need no processes.
 */
package io.etcron.chaos.check;
