package io.etcron;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The dependency rules of the architecture: the domain stands alone, adapters point inwards. */
class ArchitectureTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.etcron");

  @Test
  void the_domain_imports_no_etcd_sql_http_or_json() {
    noClasses()
        .that()
        .resideInAnyPackage("io.etcron.job..", "io.etcron.schedule..", "io.etcron.run..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.etcd..",
            "java.sql..",
            "javax.sql..",
            "io.javalin..",
            "com.zaxxer..",
            "org.flywaydb..",
            "com.fasterxml..",
            "io.etcron.store..",
            "io.etcron.claim..",
            "io.etcron.execute..",
            "io.etcron.runlog..",
            "io.etcron.worker..",
            "io.etcron.master..",
            "io.etcron.cli..",
            "io.etcron.lock..")
        .check(CLASSES);
  }

  @Test
  void the_schedule_does_not_know_jobs_or_runs() {
    noClasses()
        .that()
        .resideInAPackage("io.etcron.schedule..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.etcron.job..", "io.etcron.run..")
        .check(CLASSES);
  }

  @Test
  void the_worker_and_the_master_do_not_know_each_other() {
    noClasses()
        .that()
        .resideInAPackage("io.etcron.worker..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.etcron.master..", "io.etcron.cli..")
        .check(CLASSES);
    noClasses()
        .that()
        .resideInAPackage("io.etcron.master..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.etcron.worker..", "io.etcron.cli..", "io.etcron.claim..", "io.etcron.execute..")
        .check(CLASSES);
  }

  @Test
  void the_worker_records_through_the_run_store_port_not_the_sql_store() {
    noClasses()
        .that()
        .resideInAPackage("io.etcron.worker..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.etcron.runlog..", "java.sql..", "javax.sql..")
        .check(CLASSES);
  }

  @Test
  void the_store_knows_no_worker_master_or_claim() {
    noClasses()
        .that()
        .resideInAPackage("io.etcron.store..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.etcron.worker..", "io.etcron.master..", "io.etcron.claim..")
        .check(CLASSES);
  }

  /** The benchmarks are another module (etcron-bench): the product cannot compile against them. */
  @Test
  void only_the_cli_knows_the_cli() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.etcron.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.etcron.cli..")
        .check(CLASSES);
  }

  @Test
  void execution_and_claiming_know_no_http_or_sql() {
    noClasses()
        .that()
        .resideInAnyPackage("io.etcron.execute..", "io.etcron.claim..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.javalin..", "java.sql..", "io.etcron.runlog..", "io.etcron.master..")
        .check(CLASSES);
  }

  @Test
  void no_package_depends_on_itself_through_others() {
    slices().matching("io.etcron.(**)").should().beFreeOfCycles().check(CLASSES);
  }

  @Test
  void the_http_layer_does_not_reach_back_into_the_master() {
    noClasses()
        .that()
        .resideInAPackage("io.etcron.master.http..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.etcron.master")
        .check(CLASSES);
  }

  @Test
  void who_may_call_is_pure_values() {
    noClasses()
        .that()
        .resideInAPackage("io.etcron.master.auth..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.etcron.master",
            "io.etcron.master.http..",
            "io.etcron.store..",
            "io.etcron.job..",
            "io.etcron.run..",
            "io.etcd..",
            "java.sql..")
        .check(CLASSES);
  }

  @Test
  void the_stores_know_no_process_above_them() {
    noClasses()
        .that()
        .resideInAPackage("io.etcron.store..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.etcron.worker..", "io.etcron.master..", "io.etcron.claim..", "io.etcron.cli..")
        .check(CLASSES);
  }

  @Test
  void tls_material_needs_only_the_jdk() {
    noClasses()
        .that()
        .resideInAPackage("io.etcron.tls..")
        .should()
        .dependOnClassesThat()
        .resideOutsideOfPackages("io.etcron.tls..", "java..", "javax..")
        .check(CLASSES);
  }
}
