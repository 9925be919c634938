package io.etcron.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import io.etcron.job.Job;
import io.etcron.job.JobName;
import io.etcron.job.JobSpec;
import io.etcron.job.JobSpecs;
import io.etcron.job.JobStore;
import io.etcron.master.Master;
import io.etcron.master.MasterSettings;
import io.etcron.run.Delivery;
import io.etcron.run.Run;
import io.etcron.run.RunQuery;
import io.etcron.run.RunState;
import io.etcron.runlog.RunStores;
import io.etcron.runlog.SqlRunStore;
import io.etcron.testing.EtcdExtension;
import io.etcron.testing.Timing;
import io.etcron.worker.Worker;
import io.etcron.worker.record.RunRecorder;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Email notifications through a real SMTP server (GreenMail) on 127.0.0.1. */
class EmailNotificationsIT {
  @RegisterExtension final EtcdExtension etcd = EtcdExtension.singleNode();

  @RegisterExtension
  final GreenMailExtension smtp =
      new GreenMailExtension(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

  @TempDir Path dir;

  @Test
  void a_timed_out_run_sends_a_mail_naming_the_job_the_event_and_the_run() throws Exception {
    SmtpSettings server =
        new SmtpSettings(
            "127.0.0.1",
            smtp.getSmtp().getPort(),
            "etcron@example.com",
            Optional.empty(),
            Optional.empty(),
            false);
    try (SqlRunStore store = RunStores.open(RunStores.h2Url(dir));
        Master master =
            Master.start(
                MasterSettings.local(0),
                etcd.client(),
                store,
                () -> "",
                NotifySettings.DEFAULT
                    .withSmtp(Optional.of(server))
                    .withPublicUrl(Optional.of(URI.create("https://cron.example.com/")))
                    .withPollEvery(Duration.ofMillis(50)))) {
      Worker worker =
          Worker.builder(etcd.newClient(), new RunRecorder(store, 200, Duration.ofMillis(50), 5000))
              .id("w1")
              .ttl(Duration.ofSeconds(3))
              .start();
      try {
        JobSpec spec =
            JobSpecs.of("slow", "@every 1h", "sleep 30")
                .timeout("1s")
                .notify(
                    List.of(
                        new JobSpec.NotifySpec(
                            List.of("timed_out", "failed"), null, "ops@example.com")))
                .build();
        master.jobs().put(Job.from(spec, Instant.now()), JobStore.ANY_VERSION, "test");
        master.jobs().trigger(JobName.of("slow"), "test");

        await().atMost(Timing.seconds(30)).until(() -> smtp.getReceivedMessages().length == 1);
        Run run = store.query(RunQuery.all().forJob("slow").limit(1)).runs().get(0);
        assertThat(run.state()).isEqualTo(RunState.TIMED_OUT);
        MimeMessage mail = smtp.getReceivedMessages()[0];
        assertThat(mail.getSubject())
            .isEqualTo("[etcron] slow timed_out: " + run.id())
            .contains(run.id().toString());
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("ops@example.com");
        assertThat(mail.getFrom()[0].toString()).isEqualTo("etcron@example.com");
        String text = com.icegreen.greenmail.util.GreenMailUtil.getBody(mail);
        assertThat(text).contains("TIMED_OUT").contains("https://cron.example.com/#/runs/");
        await()
            .atMost(Timing.seconds(10))
            .until(
                () ->
                    store.outbox().orElseThrow().of(run.id(), 10).stream()
                        .allMatch(d -> d.status() == Delivery.Status.DELIVERED));
      } finally {
        worker.close();
      }
    }
  }
}
