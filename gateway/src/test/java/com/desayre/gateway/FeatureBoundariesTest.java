package com.desayre.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway's features and which may use which, as docs/architecture.md draws them. A feature
 * reaches another only through its public types (the compiler holds that: everything else is
 * package-private); this test holds the direction, so the graph stays free of cycles.
 */
class FeatureBoundariesTest {
    private static final String ROOT = "com.desayre.gateway";
    private static JavaClasses gateway;

    @BeforeAll
    static void importMainCode() {
        gateway = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);
    }

    @Test
    void everyClassLivesInAFeatureExceptTheApplication() {
        var atTheRoot = gateway.stream().filter(c -> c.getPackageName().equals(ROOT) && !c.getSimpleName().equals("package-info"))
                .map(c -> c.getSimpleName()).filter(name -> !name.isEmpty()).collect(Collectors.toSet());
        assertThat(atTheRoot).isEqualTo(Set.of("GatewayApplication"));
        var features = gateway.stream().map(c -> c.getPackageName()).filter(name -> name.startsWith(ROOT + "."))
                .map(name -> name.substring(ROOT.length() + 1).split("\\.")[0]).collect(Collectors.toSet());
        assertThat(features).containsExactlyInAnyOrder("web", "messaging", "redis", "accounts", "keys", "limits", "queues",
                "history", "jobs", "generation", "admin", "webhooks", "openapi", "costs", "studio");
    }

    @Test
    void featuresUseOnlyTheFeaturesBelowThem() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("studio").definedBy(ROOT + ".studio..")
                .layer("openapi").definedBy(ROOT + ".openapi..")
                .layer("generation").definedBy(ROOT + ".generation..")
                .layer("admin").definedBy(ROOT + ".admin..")
                .layer("webhooks").definedBy(ROOT + ".webhooks..")
                .layer("jobs").definedBy(ROOT + ".jobs..")
                .layer("queues").definedBy(ROOT + ".queues..")
                .layer("costs").definedBy(ROOT + ".costs..")
                .layer("history").definedBy(ROOT + ".history..")
                .layer("limits").definedBy(ROOT + ".limits..")
                .layer("keys").definedBy(ROOT + ".keys..")
                .layer("accounts").definedBy(ROOT + ".accounts..")
                .layer("messaging").definedBy(ROOT + ".messaging..")
                .layer("redis").definedBy(ROOT + ".redis..")
                .layer("web").definedBy(ROOT + ".web..")
                .whereLayer("studio").mayNotBeAccessedByAnyLayer()
                .whereLayer("openapi").mayNotBeAccessedByAnyLayer()
                .whereLayer("generation").mayOnlyBeAccessedByLayers("openapi")
                .whereLayer("admin").mayOnlyBeAccessedByLayers("openapi")
                .whereLayer("keys").mayOnlyBeAccessedByLayers("openapi")
                .whereLayer("webhooks").mayOnlyBeAccessedByLayers("openapi", "generation")
                .whereLayer("jobs").mayOnlyBeAccessedByLayers("openapi", "generation")
                .whereLayer("queues").mayOnlyBeAccessedByLayers("openapi", "generation")
                .whereLayer("costs").mayOnlyBeAccessedByLayers("openapi", "generation", "admin", "jobs")
                .whereLayer("history").mayOnlyBeAccessedByLayers("openapi", "generation", "jobs", "limits")
                .whereLayer("limits").mayOnlyBeAccessedByLayers("openapi", "generation", "jobs", "queues")
                .whereLayer("accounts").mayOnlyBeAccessedByLayers("openapi", "generation", "admin", "webhooks", "jobs", "queues", "history", "limits", "keys",
                        "costs")
                .because("a feature that used one above it would close a cycle")
                .check(gateway);
    }

    @Test
    void noCyclesBetweenFeatures() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(gateway);
    }

    @Test
    void onlyTheApplicationSitsAboveTheFeatures() {
        noClasses().that().resideInAPackage(ROOT + ".(*)..").should().dependOnClassesThat().resideInAPackage(ROOT)
                .because("the root package holds the application class, which no feature needs").check(gateway);
    }
}
