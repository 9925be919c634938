package io.etcron.master.http;

import io.etcron.job.JobStore;
import io.etcron.master.WorkerDirectory;
import io.etcron.run.RunStore;
import io.javalin.Javalin;
import io.javalin.http.staticfiles.Location;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** The master's HTTP server: the API, the web UI and the metrics on one port. */
public final class HttpServer implements AutoCloseable {
  private final Javalin app;
  private final Api api;
  private final ScheduledExecutorService followers;

  private HttpServer(Javalin app, Api api, ScheduledExecutorService followers) {
    this.app = app;
    this.api = api;
    this.followers = followers;
  }

  /**
   * Starts serving on {@code host:port} (port 0 picks a free one). Blocks until listening.
   *
   * @throws io.javalin.util.JavalinBindException when the port is taken
   */
  public static HttpServer start(
      String host,
      int port,
      JobStore jobs,
      RunStore runs,
      WorkerDirectory workers,
      Tokens tokens,
      Clock clock,
      BooleanSupplier ready,
      Supplier<String> metrics) {
    ScheduledExecutorService followers =
        Executors.newScheduledThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "etcron-output-followers");
              t.setDaemon(true);
              return t;
            });
    Api api =
        new Api(
            new JobsApi(jobs, runs, clock),
            new RunsApi(runs, clock, followers),
            new ClusterApi(jobs, workers, ready),
            tokens,
            metrics);
    Javalin app =
        Javalin.create(
            config -> {
              config.jetty.host = host;
              config.jetty.port = port;
              config.startup.showJavalinBanner = false;
              config.staticFiles.enableWebjars();
              config.staticFiles.add(
                  files -> {
                    files.hostedPath = "/";
                    files.directory = "/web";
                    files.location = Location.CLASSPATH;
                  });
              api.configure(config);
            });
    app.start();
    return new HttpServer(app, api, followers);
  }

  /** The port it listens on. */
  public int port() {
    return app.port();
  }

  /** The route table (for the OpenAPI test). */
  public Api api() {
    return api;
  }

  @Override
  public void close() {
    app.stop();
    followers.shutdownNow();
  }
}
