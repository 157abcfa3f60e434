package dev.fleet.orchestrator.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.Test;

class CanonicalUuidTest {

    @Test
    void parsesACanonicalUuidInEitherCaseAndNothingElse() {
        UUID id = UUID.fromString("6f1c2a52-0d47-4d0b-9a57-3a3f3f7c2b10");

        assertThat(CanonicalUuid.parse("6f1c2a52-0d47-4d0b-9a57-3a3f3f7c2b10")).contains(id);
        assertThat(CanonicalUuid.parse("6F1C2A52-0D47-4D0B-9A57-3A3F3F7C2B10")).contains(id);
        // UUID.fromString accepts short groups; they are not the id's canonical form
        assertThat(CanonicalUuid.parse("6f1c2a52-d47-4d0b-9a57-3a3f3f7c2b10")).isEmpty();
        assertThat(CanonicalUuid.parse("bench-6f1c2a52-0d47-4d0b-9a57-3a3f3f7c2b10")).isEmpty();
        assertThat(CanonicalUuid.parse("")).isEmpty();
        assertThat(CanonicalUuid.parse(null)).isEmpty();
    }
}
