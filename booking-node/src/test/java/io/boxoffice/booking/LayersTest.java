package io.boxoffice.booking;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The booking node's layers (STYLE.md: a folder layout that shows the architecture), top to bottom:
 * <ol>
 *   <li><b>interface</b>: {@code api} (gRPC services, validation, forwarding, the mapping of errors to statuses),
 *       {@code assistant} (the AskAssistant service), {@code health};</li>
 *   <li><b>application</b>: {@code app} (use cases: the command gateway, payment flow, queries, login);</li>
 *   <li><b>cluster</b>: {@code cluster} (the Raft node that hosts the state machine) and {@code discovery}
 *       (peers by DNS, the volume's identity), with {@code auth} (tokens, passwords) and {@code payment} (the
 *       mock gateway) beside it;</li>
 *   <li><b>domain</b>: {@code domain} (the deterministic state machine and its records);</li>
 *   <li><b>foundation</b>: {@code config}, {@code metrics}, {@code errors} (the application's typed failures).</li>
 * </ol>
 * A layer uses only layers below it, and no two packages depend on each other in a circle.
 */
class LayersTest {

    private static final String ROOT = "io.boxoffice.booking";
    private static final JavaClasses NODE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    private static void check(ArchRule rule) {
        rule.check(NODE);
    }

    @Test
    void packages_have_no_cycles() {
        check(slices().matching(ROOT + ".(*)..").should().beFreeOfCycles()
                .because("a cycle between packages means neither can be understood, tested or changed alone"));
    }

    @Test
    void each_layer_uses_only_the_layers_below_it() {
        check(layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("interface").definedBy(ROOT + ".api..", ROOT + ".assistant..", ROOT + ".health..")
                .layer("application").definedBy(ROOT + ".app..")
                .layer("cluster").definedBy(ROOT + ".cluster..", ROOT + ".discovery..", ROOT + ".auth..",
                        ROOT + ".payment..")
                .layer("domain").definedBy(ROOT + ".domain..")
                .layer("foundation").definedBy(ROOT + ".config..", ROOT + ".metrics..", ROOT + ".errors..")
                .whereLayer("interface").mayNotBeAccessedByAnyLayer()
                .whereLayer("application").mayOnlyBeAccessedByLayers("interface")
                .whereLayer("cluster").mayOnlyBeAccessedByLayers("interface", "application")
                .whereLayer("domain").mayOnlyBeAccessedByLayers("interface", "application", "cluster")
                .because("requests flow down: api -> app -> cluster -> domain; nothing below knows what is above it"));
    }
}
