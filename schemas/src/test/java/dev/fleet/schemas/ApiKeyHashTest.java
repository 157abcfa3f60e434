package dev.fleet.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiKeyHashTest {

    @Test
    void hashesKeyAsLowerCaseHexSha256() {
        // given the FIPS 180-2 test vector "abc"
        // when
        String hash = ApiKeyHash.sha256Hex("abc");
        // then
        assertThat(hash).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void recognisesOnlySha256HexDigestsAsDigests() {
        assertThat(ApiKeyHash.isDigest(ApiKeyHash.sha256Hex("fk-anything"))).isTrue();
        assertThat(ApiKeyHash.isDigest(ApiKeyHash.sha256Hex("fk-anything").toUpperCase())).isTrue();
        assertThat(ApiKeyHash.isDigest("fk-anything")).isFalse();
        assertThat(ApiKeyHash.isDigest("z".repeat(64))).isFalse();
        assertThat(ApiKeyHash.isDigest(null)).isFalse();
    }
}
