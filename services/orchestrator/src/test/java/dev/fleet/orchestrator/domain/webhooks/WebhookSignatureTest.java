package dev.fleet.orchestrator.domain.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    @Test
    void signsTimestampDotBodyWithHmacSha256OfTheSecret() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
        assertThat(WebhookSignature.hmac("Jefe", "what do ya want for nothing?"))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        assertThat(WebhookSignature.header("Jefe", 1_700_000_000L, "{}"))
                .isEqualTo("t=1700000000,v1=" + WebhookSignature.hmac("Jefe", "1700000000.{}"));
    }

    @Test
    void aNewSecretIs32RandomBytesInHex() {
        String one = WebhookSignature.newSecret();
        String two = WebhookSignature.newSecret();
        assertThat(one).matches("whsec_[0-9a-f]{64}");
        assertThat(one).isNotEqualTo(two);
    }

    @Test
    void aWebhookNeverPrintsItsSecret() {
        QuotaWebhook webhook = new QuotaWebhook(java.util.UUID.randomUUID(), "https://x.test/h", "whsec_abc", null);
        assertThat(webhook.toString()).doesNotContain("whsec_abc").contains("https://x.test/h");
    }
}
