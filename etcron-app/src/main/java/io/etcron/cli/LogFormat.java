package io.etcron.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import org.slf4j.LoggerFactory;

/**
 * How servers write their log to stderr: {@code text} for people, {@code json} (one object a line,
 * with the key-value pairs {@code job}, {@code run}, {@code worker} where known) for log shippers.
 * Switching loads {@code logback.xml} or {@code logback-json.xml}; call it while parsing the
 * command line, before the servers start. Not thread-safe.
 */
enum LogFormat {
  text("/logback.xml"),
  json("/logback-json.xml");

  private static volatile LogFormat current = text;
  private final String resource;

  LogFormat(String resource) {
    this.resource = resource;
  }

  /** Makes this the format of every logger, now and later. */
  void use() {
    if (current == this) {
      return;
    }
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.reset();
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      try {
        configurator.doConfigure(LogFormat.class.getResource(resource));
      } catch (JoranException e) {
        throw new IllegalStateException("cannot load the log configuration " + resource, e);
      }
    }
    current = this;
  }
}
