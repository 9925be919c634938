package io.etcron.master.http;

import io.etcron.concurrent.Threads;
import io.etcron.job.JobStore;
import io.etcron.json.Json;
import io.etcron.master.auth.TokenSource;
import io.etcron.run.RunStore;
import io.etcron.store.WorkerInfo;
import io.etcron.tls.TlsIdentity;
import io.javalin.Javalin;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.javalin.security.RouteRole;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The master's HTTP server: the API, the web UI and the metrics on one port. Thread-safe; {@link
 * #close()} stops it.
 */
public final class MasterServer implements AutoCloseable {
  /** Largest request body accepted. */
  public static final long MAX_BODY = 256 * 1024;

  /**
   * Where and for whom to serve.
   *
   * @param host address to bind
   * @param port port (0: any free one)
   * @param tokens bearer tokens, read at each request; none at start means loopback mode (every
   *     caller is admin)
   * @param tls the certificate and key to serve HTTPS with (HTTP/2 and HTTP/1.1); none: plain HTTP
   * @param clock the master's clock
   */
  public record Endpoint(
      String host, int port, TokenSource tokens, Optional<TlsIdentity> tls, Clock clock) {}

  /**
   * What the API serves from.
   *
   * @param jobs the job store
   * @param runs the run store
   * @param workers the live workers, sorted by id
   * @param ready whether etcd is reachable
   * @param metrics the Prometheus text
   */
  public record Backends(
      JobStore jobs,
      RunStore runs,
      Supplier<List<WorkerInfo>> workers,
      BooleanSupplier ready,
      Supplier<String> metrics) {}

  private final Javalin app;
  private final List<Route> routes;
  private final ScheduledExecutorService followers;

  private MasterServer(Javalin app, List<Route> routes, ScheduledExecutorService followers) {
    this.app = app;
    this.routes = routes;
    this.followers = followers;
  }

  /**
   * Starts serving. Blocks until listening.
   *
   * @throws io.javalin.util.JavalinBindException when the port is taken
   */
  public static MasterServer start(Endpoint at, Backends from) {
    ScheduledExecutorService followers =
        Executors.newScheduledThreadPool(2, Threads.named("etcron-output-followers"));
    Auth auth = new Auth(at.tokens(), SignInLimiter.standard(), SignInAudit.standard(from.jobs()));
    Guard guard = new Guard(!auth.required());
    String[] openApi = new String[1];
    List<Route> routes =
        Routes.table(
            JobHandlers.of(from.jobs(), from.runs(), at.clock()),
            new RunsApi(from.runs(), at.clock(), followers),
            new ClusterApi(from.jobs(), from.workers(), from.ready(), auth.required()),
            () -> openApi[0],
            from.metrics());
    openApi[0] = Json.write(OpenApi.document(routes));
    Javalin app =
        Javalin.create(
            config -> {
              config.jetty.host = at.host();
              config.jetty.port = at.port();
              config.jetty.modifyServer(server -> server.setErrorHandler(new JettyErrors()));
              at.tls()
                  .ifPresent(
                      tls ->
                          config.jetty.addConnector(
                              (server, http) ->
                                  Https.connector(server, http, at.host(), at.port(), tls)));
              config.startup.showJavalinBanner = false;
              config.jsonMapper(new JavalinJackson(Json.MAPPER, false));
              config.http.maxRequestSize = MAX_BODY;
              config.http.prefer405over404 = true;
              config.staticFiles.enableWebjars();
              config.staticFiles.add(
                  files -> {
                    files.hostedPath = "/";
                    files.directory = "/web";
                    files.location = Location.CLASSPATH;
                  });
              config.routes.before(guard::check);
              config.routes.beforeMatched(auth::authorize);
              for (Route r : routes) {
                config.routes.addHttpHandler(r.method().javalin(), r.path(), r.handler(), role(r));
              }
              ErrorMapper.register(config, MAX_BODY);
            });
    app.start();
    return new MasterServer(app, routes, followers);
  }

  private static RouteRole[] role(Route r) {
    return new RouteRole[] {r.role()};
  }

  /** The port it listens on. */
  public int port() {
    return app.port();
  }

  /** Its base URL, e.g. {@code https://127.0.0.1:8443/}. */
  public static String url(Endpoint at, int port) {
    String host = at.host().contains(":") ? "[" + at.host() + "]" : at.host();
    return (at.tls().isPresent() ? "https" : "http") + "://" + host + ":" + port + "/";
  }

  /** The route table. */
  public List<Route> routes() {
    return routes;
  }

  @Override
  public void close() {
    app.stop();
    followers.shutdownNow();
  }
}
