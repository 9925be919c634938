package io.etcd.jetcd.op;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.support.Util;

/**
 * Part of etcron-lock, not of jetcd: a transaction compare over a key range, which etcd has
 * supported since 3.3 ({@code Compare.range_end}: the compare holds when it holds for every key in
 * {@code [key, rangeEnd)}, and a range with no key compares as one absent key) but jetcd's {@link
 * Cmp} cannot express. It lives in jetcd's package because the conversion it extends is
 * package-private; {@link #check()} makes sure the override is in effect (same class loader), since
 * a compare that silently lost its range end would test one absent key and always hold.
 */
public final class RangeCmp extends Cmp {
  private final ByteSequence rangeEnd;

  /** Compares every key in {@code [key, rangeEnd)} with {@code target} by {@code op}. */
  public RangeCmp(ByteSequence key, ByteSequence rangeEnd, Op op, CmpTarget<?> target) {
    super(key, op, target);
    this.rangeEnd = rangeEnd;
  }

  @Override
  Compare toCompare(ByteSequence namespace) {
    return super.toCompare(namespace).toBuilder()
        .setRangeEnd(Util.prefixNamespaceToRangeEnd(rangeEnd, namespace))
        .build();
  }

  /**
   * Fails unless jetcd will call {@link #toCompare}: package-private methods are overridden only
   * within one runtime package, that is one class loader for both jars.
   *
   * @throws IllegalStateException when etcron-lock and jetcd-core have different class loaders
   */
  public static void check() {
    if (RangeCmp.class.getClassLoader() != Cmp.class.getClassLoader()) {
      throw new IllegalStateException(
          "etcron-lock needs the class loader of jetcd-core (it extends a jetcd compare): load both"
              + " jars with one class loader");
    }
  }
}
