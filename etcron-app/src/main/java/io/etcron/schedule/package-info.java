/**
 * Schedules and their fire times, computed in a job's time zone. Pure domain: depends on the JDK
 * only.
 *
 * <p>Accepted expressions:
 *
 * <ul>
 *   <li>cron with seconds, 6 fields {@code sec min hour day-of-month month day-of-week}
 *       (Spring-style: day-of-week 0-7 with 0 and 7 = Sunday, names {@code MON}-{@code SUN} and
 *       {@code JAN}-{@code DEC}, {@code * ? - , /}, {@code L}, {@code W}, {@code #}; a backwards range wraps around); 5 fields are
 *       Unix cron: second 0, and when both day fields are restricted (neither starts with {@code
 *       *}) a day matching either fires;
 *   <li>macros {@code @yearly} ({@code @annually}), {@code @monthly}, {@code @weekly}, {@code
 *       @daily} ({@code @midnight}), {@code @hourly};
 *   <li>{@code @every <duration>}: every period, aligned to the Unix epoch so every node computes
 *       the same instants (1 s to 366 d);
 *   <li>{@code @at <ISO-8601 instant>}: once.
 * </ul>
 *
 * <p>Daylight saving time, as Vixie cron does: a cron whose hour field is {@code *} follows
 * absolute time (it fires in both passes of a repeated hour and simply has no fires in a skipped
 * one); any other cron follows local time: a time in a skipped hour fires once, shifted forward by
 * the gap (02:30 becomes 03:30, never fired twice even if 03:30 also matches), and a repeated time
 * fires once, at its first occurrence.
 */
package io.etcron.schedule;
