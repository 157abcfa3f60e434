package dev.fleet.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;

import org.junit.jupiter.api.Test;
import org.springframework.kafka.annotation.KafkaListener;

/** The topic-name rule sees literals, annotation values and inlined constants, and nothing else. */
class TopicNameScanTest {

    static final String INLINED = "fleet.inlined.v2";

    @SuppressWarnings("unused")
    static final class Spells {

        long big = 5_000_000_000L; // Long and Double constants take two pool slots
        double ratio = 2.5e300;

        @KafkaListener(topics = "fleet.annotated.v1.dlq")
        void listen(String value) {
        }

        String literal() {
            return "fleet.usage.v1";
        }

        String inlined() {
            return INLINED;
        }

        String notATopic() {
            return "fleet.gateway.requests.shed" + "dev.fleet.events.v1.Tenant" + 1L + 2.0;
        }
    }

    @Test
    void findsTopicNamesInLiteralsAnnotationsAndInlinedConstants() throws IOException {
        assertThat(ArchitectureRulesTest.topicNames(classFile(Spells.class)))
                .containsExactlyInAnyOrder("fleet.annotated.v1.dlq", "fleet.usage.v1", "fleet.inlined.v2");
    }

    @Test
    void findsNoneInAClassThatGoesThroughTheCatalog() throws IOException {
        assertThat(ArchitectureRulesTest.topicNames(classFile(ArchitectureRulesTest.class))).isEmpty();
    }

    private static byte[] classFile(Class<?> type) throws IOException {
        try (InputStream in = type.getResourceAsStream("/" + type.getName().replace('.', '/') + ".class")) {
            return in.readAllBytes();
        }
    }
}
