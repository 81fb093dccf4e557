package com.desayre.local;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module boundaries, enforced on the main code of every module (local-stack sees them all: it runs them in one
 * JVM). Services meet only through Kafka records ({@code contracts}) and the libraries, never through each other's
 * classes; the event records and the prompt encoder stay free of Spring, so any integrator and any test can use them
 * as plain Java; nothing in production depends on the simulator, the embedded servers or the test kit, except the
 * launchers that exist to run them ({@code local-stack}, {@code bench}), and {@code ./desayre up} never on the test kit.
 */
class ModuleBoundariesTest {
    private static final String[] SERVICES = {
            "com.desayre.gateway..", "com.desayre.encoder", "com.desayre.imageworker..", "com.desayre.videoworker..",
            "com.desayre.storage..", "com.desayre.webhooks.."};

    /** Each class's Maven module, from its package (encoder-core's {@code encoder.core} sits inside prompt-encoder's {@code encoder}). */
    private static final SliceAssignment MODULES = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            var name = javaClass.getPackageName();
            if (!name.startsWith("com.desayre.")) {
                return SliceIdentifier.ignore();
            }
            var rest = name.substring("com.desayre.".length());
            return SliceIdentifier.of(rest.startsWith("encoder.core") ? "encoder-core" : rest.split("\\.")[0]);
        }

        @Override
        public String getDescription() {
            return "Maven modules";
        }
    };

    private static JavaClasses main;

    @BeforeAll
    static void importMainCode() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("com.desayre");
        // the other modules come as jars (verify) or class folders (test): either way, every one of them must be here
        for (var module : List.of("contracts", "platform", "encoder.core", "gateway", "encoder", "workerkit", "imageworker",
                "videoworker", "storage", "webhooks", "embedded")) {
            assertThat(main.stream().anyMatch(c -> c.getPackageName().equals("com.desayre." + module))).as(module).isTrue();
        }
    }

    @Test
    void servicesNeverUseEachOthersClasses() {
        for (var service : SERVICES) {
            var others = java.util.Arrays.stream(SERVICES).filter(other -> !other.equals(service)).toArray(String[]::new);
            noClasses().that().resideInAPackage(service).should().dependOnClassesThat().resideInAnyPackage(others)
                    .because("services talk through Kafka records (contracts), not through each other's classes")
                    .check(main);
        }
    }

    @Test
    void theEventRecordsAndThePromptEncoderAreFreeOfSpring() {
        noClasses().that().resideInAnyPackage("com.desayre.contracts..", "com.desayre.encoder.core..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..")
                .because("integrators and tests use them as plain Java").check(main);
        classes().that().resideInAnyPackage("com.desayre.contracts..", "com.desayre.encoder.core..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("com.desayre.contracts..", "com.desayre.encoder.core..",
                        "java..", "tools.jackson..", "com.fasterxml.jackson.annotation..", "org.jspecify..")
                .because("they are the bottom of the graph: records, topic names, rules and the encoder, on the JDK and Jackson")
                .check(main);
    }

    @Test
    void productionCodeNeverUsesTheSimulatorOrTheTestKit() {
        noClasses().that().resideInAnyPackage(SERVICES).or().resideInAnyPackage("com.desayre.platform..", "com.desayre.workerkit..",
                        "com.desayre.contracts..", "com.desayre.encoder.core..")
                .should().dependOnClassesThat().resideInAnyPackage("com.desayre.providersim..", "com.desayre.testsupport..",
                        "com.desayre.embedded..")
                .because("only the launchers (local-stack, bench) start the simulator and the embedded servers").check(main);
    }

    @Test
    void desayreUpRunsOnTheEmbeddedServersNotOnTheTestKit() {
        noClasses().that().resideInAnyPackage("com.desayre.local..", "com.desayre.embedded..")
                .should().dependOnClassesThat().resideInAPackage("com.desayre.testsupport..")
                .because("the test kit is test scope: ./desayre up and its servers must not need it").check(main);
    }

    @Test
    void librariesNeverReachUpIntoServices() {
        noClasses().that().resideInAnyPackage("com.desayre.platform..", "com.desayre.workerkit..", "com.desayre.contracts..",
                        "com.desayre.encoder.core..")
                .should().dependOnClassesThat().resideInAnyPackage(SERVICES)
                .because("libraries are used by services, never the other way round").check(main);
    }

    @Test
    void noCyclesBetweenModules() {
        slices().assignedFrom(MODULES).should().beFreeOfCycles().check(main);
    }
}
