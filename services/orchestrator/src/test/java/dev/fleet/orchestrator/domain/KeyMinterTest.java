package dev.fleet.orchestrator.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.fleet.schemas.ApiKeyHash;

class KeyMinterTest {

    private final KeyMinter minter = new KeyMinter();

    @Test
    void mintsPrefixedUrlSafeKeysWith256RandomBits() {
        // when
        MintedKey minted = minter.mint();

        // then
        assertThat(minted.secret()).matches("fk-[A-Za-z0-9_-]{43}");
        assertThat(minted.prefix()).hasSize(9).startsWith("fk-");
        assertThat(minted.secret()).startsWith(minted.prefix());
    }

    @Test
    void hashesTheWholeKeyAsLowerCaseHexSha256() throws Exception {
        // given
        MintedKey minted = minter.mint();

        // when
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(minted.secret().getBytes(StandardCharsets.UTF_8)));

        // then
        assertThat(minted.sha256()).isEqualTo(expected).matches("[0-9a-f]{64}");
        assertThat(ApiKeyHash.sha256Hex(minted.secret())).isEqualTo(expected);
    }

    @Test
    void neverRepeatsAKey() {
        // given
        Set<String> secrets = new HashSet<>();

        // when
        for (int i = 0; i < 10_000; i++) {
            secrets.add(minter.mint().secret());
        }

        // then
        assertThat(secrets).hasSize(10_000);
    }

    @Test
    void doesNotShowTheSecretWhenPrinted() {
        // given
        MintedKey minted = minter.mint();
        IssuedKey issued = new IssuedKey(TenantKey.issue(java.util.UUID.randomUUID(), minted, KeyRateLimits.NONE,
                java.time.Instant.now()),
                minted.secret());

        // then
        assertThat(minted.toString()).doesNotContain(minted.secret()).contains(minted.prefix());
        assertThat(issued.toString()).doesNotContain(minted.secret());
    }
}
