package dev.fleet.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;

/**
 * The fleet's architecture as rules over the compiled main classes of every service and platform
 * module (DESIGN.md "Repository layout", STYLE.md "Layout and boundaries" and "Contracts"):
 * no service depends on another; domain packages know no Kafka and no Spring web; topic names are
 * written only in the catalog ({@code dev.fleet.schemas.FleetTopics}), everyone else goes through it.
 * Decision 0033 says where these rules live and what they do not see.
 */
@AnalyzeClasses(packages = "dev.fleet", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureRulesTest {

    /** Each service's root package; a service is everything under it. */
    static final Map<String, String> SERVICES = Map.of(
            "dev.fleet.gateway", "gateway",
            "dev.fleet.orchestrator", "orchestrator",
            "dev.fleet.embedding", "embedding-worker",
            "dev.fleet.scorer", "scorer",
            "dev.fleet.metering", "usage-metering",
            "dev.fleet.audit", "audit");

    /** A topic name as the catalog spells them: fleet.<name>.v<N>, maybe a dead-letter topic's. */
    static final Pattern TOPIC_NAME = Pattern.compile("fleet\\.[a-z0-9-]+(\\.[a-z0-9-]+)*\\.v[0-9]+(\\.dlq)?");

    @ArchTest
    static final ArchRule noServiceDependsOnAnotherService = SlicesRuleDefinition.slices()
            .assignedFrom(new SliceAssignment() {
                @Override
                public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                    return SERVICES.entrySet().stream()
                            .filter(e -> javaClass.getPackageName().equals(e.getKey())
                                    || javaClass.getPackageName().startsWith(e.getKey() + "."))
                            .findFirst().map(e -> SliceIdentifier.of(e.getValue()))
                            .orElse(SliceIdentifier.ignore());
                }

                @Override
                public String getDescription() {
                    return "the six services by root package";
                }
            })
            .should().notDependOnEachOther()
            .because("services talk only through Kafka topics; shared code belongs in schemas/ or platform/");

    @ArchTest
    static final ArchRule domainKnowsNoKafkaAndNoSpringWeb = noClasses()
            .that().resideInAPackage("dev.fleet..domain..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "org.apache.kafka..", "org.springframework.kafka..", "org.springframework.web..")
            .because("the domain calls small ports (ChatRequestChannel, ItemEventPublisher, …) that the "
                    + "messaging and web packages implement");

    @ArchTest
    static final ArchRule topicsAreNamedOnlyInTheCatalog = classes()
            .that().resideOutsideOfPackages("dev.fleet.schemas..", "dev.fleet.events..")
            .should(new ArchCondition<JavaClass>("not spell a topic name (fleet.*.vN) in a constant") {
                @Override
                public void check(JavaClass javaClass, ConditionEvents events) {
                    for (String text : topicNames(javaClass)) {
                        events.add(SimpleConditionEvent.violated(javaClass, javaClass.getName()
                                + " spells the topic name \"" + text + "\"; use dev.fleet.schemas.FleetTopics"));
                    }
                }
            })
            .because("each topic is declared once, in FleetTopics; a literal name drifts from the catalog");

    /** The rules above prove something only if they see every service's classes and its domain. */
    @ArchTest
    static void seesEveryServiceAndItsDomain(JavaClasses classes) {
        for (String root : SERVICES.keySet()) {
            assertThat(classes.stream().filter(c -> c.getPackageName().startsWith(root + ".")).count())
                    .as("classes of %s", root).isGreaterThanOrEqualTo(5);
            assertThat(classes.stream().filter(c -> c.getPackageName().startsWith(root + ".domain")).count())
                    .as("domain classes of %s", root).isPositive();
        }
        assertThat(classes.stream().filter(c -> c.getPackageName().startsWith("dev.fleet.platform.")).count())
                .as("platform classes").isGreaterThan(10);
    }

    static List<String> topicNames(JavaClass javaClass) {
        String resource = javaClass.getName().replace('.', '/') + ".class";
        try (InputStream in = ArchitectureRulesTest.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("cannot read the class file of " + javaClass.getName());
            }
            return topicNames(in.readAllBytes());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the class file of " + javaClass.getName(), e);
        }
    }

    static List<String> topicNames(byte[] classFile) throws IOException {
        return ConstantPool.texts(classFile).stream().filter(t -> TOPIC_NAME.matcher(t).matches()).toList();
    }
}
