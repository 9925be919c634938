package io.etcron.bench;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks' dependency rules, over the product's classes and theirs together: the product
 * knows no benchmark (it reaches the benchmarks' run store through its own {@code RunStoreProvider}
 * seam), and the benchmarks reach the CLI only for its options.
 */
class BenchArchitectureTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          // nor the product's test jar (CliProcess, for the ITs here), once it is a packaged jar
          .withImportOption(location -> !location.contains("-tests.jar"))
          .importPackages("io.etcron");

  @Test
  void the_product_knows_no_benchmark() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.etcron.bench..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.etcron.bench..")
        .check(CLASSES);
  }

  @Test
  void only_the_cli_and_the_benchmarks_know_the_cli() {
    noClasses()
        .that()
        .resideOutsideOfPackages("io.etcron.cli..", "io.etcron.bench..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.etcron.cli..")
        .check(CLASSES);
  }

  @Test
  void the_benchmarks_and_the_product_form_no_package_cycle() {
    slices().matching("io.etcron.(**)").should().beFreeOfCycles().check(CLASSES);
  }
}
