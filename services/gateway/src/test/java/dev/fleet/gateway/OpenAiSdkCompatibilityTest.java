package dev.fleet.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;

import dev.fleet.events.v1.ApiKeyStatus;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.events.v1.Plan;
import dev.fleet.events.v1.Tenant;
import dev.fleet.events.v1.TenantStatus;
import dev.fleet.gateway.domain.ApiKeyDirectory;
import dev.fleet.gateway.domain.ratelimit.LimitsDirectory;
import dev.fleet.schemas.FleetTopics;

/**
 * The gateway as OpenAI's official Java SDK ({@code com.openai:openai-java}) sees it, the client
 * configured with nothing but the base URL and the key. The orchestrator and the embedding-worker
 * are played by a {@link FakeFleet} over the real broker.
 * Covered: models, chat (plain and streamed with usage), embeddings (floats and base64), and the
 * SDK's typed errors for 401, 404 and 429.
 */
class OpenAiSdkCompatibilityTest extends KafkaGatewayTest {

    private static FakeFleet fleet;

    /** Once the application has provisioned the request topics, so the fake can read them. */
    @BeforeEach
    void startFakeFleet() {
        if (fleet == null) {
            fleet = FakeFleet.start(request -> List.of("Hello", " from", " Fleet"));
        }
    }

    @AfterAll
    static void stopFakeFleet() throws InterruptedException {
        if (fleet != null) {
            fleet.close();
            fleet = null;
        }
    }

    @Autowired
    ApiKeyDirectory apiKeys;

    @Autowired
    LimitsDirectory limits;

    private OpenAIClient sdk(String key) {
        return OpenAIOkHttpClient.builder().baseUrl(baseUrl()).apiKey(key).build();
    }

    @Test
    void shouldListAndRetrieveModels() {
        // given
        OpenAIClient sdk = sdk(GatewayKafkaFixture.givenActiveKey(client, UUID.randomUUID().toString()));
        // when
        List<String> ids = sdk.models().list().data().stream().map(Model::id).toList();
        Model model = sdk.models().retrieve("sim-model");
        // then
        assertThat(ids).contains("extractive", "all-minilm-l6-v2", "sim-model");
        assertThat(model.id()).isEqualTo("sim-model");
        assertThat(model.ownedBy()).isEqualTo("fleet");
    }

    @Test
    void shouldCompleteChatAndCarryTheParametersToTheOrchestrator() {
        // given
        String tenantId = UUID.randomUUID().toString();
        OpenAIClient sdk = sdk(GatewayKafkaFixture.givenActiveKey(client, tenantId));
        // when
        ChatCompletion completion = sdk.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("sim-model").addDeveloperMessage("Be brief.").addUserMessage("Hi")
                .maxCompletionTokens(32).seed(7).topP(0.9).stop("END").user("end-user-1").build());
        // then
        assertThat(completion.choices()).singleElement().satisfies(choice -> {
            assertThat(choice.message().content()).contains("Hello from Fleet");
            assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        });
        assertThat(completion.model()).isEqualTo("sim-model");
        assertThat(completion.usage().orElseThrow().promptTokens()).isEqualTo(GatewayKafkaFixture.PROMPT_TOKENS);
        assertThat(completion.usage().orElseThrow().completionTokens()).isEqualTo(3);
        ChatRequested request = requestOf(tenantId);
        assertThat(request.getMaxTokens()).isEqualTo(32);
        assertThat(request.getMessages()).extracting(m -> m.getRole()).containsExactly(ChatRole.SYSTEM,
                ChatRole.USER);
        assertThat(request.getOptions().getSeed()).isEqualTo(7L);
        assertThat(request.getOptions().getTopP()).isEqualTo(0.9);
        assertThat(request.getOptions().getStop()).containsExactly("END");
        assertThat(request.getOptions().getUser()).isEqualTo("end-user-1");
    }

    @Test
    void shouldStreamChatAndEndWithTheUsageChunkWhenAskedFor() {
        // given
        OpenAIClient sdk = sdk(GatewayKafkaFixture.givenActiveKey(client, UUID.randomUUID().toString()));
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        // when
        try (StreamResponse<ChatCompletionChunk> stream = sdk.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("extractive").addUserMessage("What is Fleet?")
                        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            stream.stream().forEach(chunks::add);
        }
        // then
        StringBuilder content = new StringBuilder();
        chunks.forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(content::append)));
        assertThat(content).hasToString("Hello from Fleet");
        assertThat(chunks).filteredOn(chunk -> chunk.usage().isPresent()).singleElement()
                .isSameAs(chunks.get(chunks.size() - 1));
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage().orElseThrow().totalTokens()).isEqualTo(GatewayKafkaFixture.PROMPT_TOKENS + 3);
        assertThat(chunks.get(chunks.size() - 2).choices().get(0).finishReason())
                .contains(ChatCompletionChunk.Choice.FinishReason.STOP);
    }

    @Test
    void shouldEmbedAsFloatsAndAsBase64() {
        // given
        OpenAIClient sdk = sdk(GatewayKafkaFixture.givenActiveKey(client, UUID.randomUUID().toString()));
        EmbeddingCreateParams.Builder params = EmbeddingCreateParams.builder().model("all-minilm-l6-v2")
                .inputOfArrayOfStrings(List.of("alpha", "beta"));
        // when
        CreateEmbeddingResponse floats = sdk.embeddings().create(params
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());
        CreateEmbeddingResponse base64 = sdk.embeddings().create(params
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.BASE64).build());
        // then
        assertThat(floats.data()).hasSize(2).allSatisfy(e -> assertThat(e.embedding()).isEqualTo(FakeFleet.VECTOR));
        assertThat(floats.usage().promptTokens()).isEqualTo(4);
        assertThat(base64.data()).hasSize(2).allSatisfy(e -> {
            assertThat(e.embeddingValue().isBase64()).isTrue();
            assertThat(littleEndianFloats(e.embeddingValue().asBase64())).isEqualTo(FakeFleet.VECTOR);
            assertThat(e.embedding()).isEqualTo(FakeFleet.VECTOR);
        });
        assertThat(base64.data()).extracting(e -> e.index()).containsExactly(0L, 1L);
    }

    @Test
    void shouldRaiseUnauthorizedExceptionForAnUnknownKey() {
        OpenAIClient sdk = sdk("fk-" + UUID.randomUUID());

        UnauthorizedException e = catchThrowableOfType(() -> sdk.models().list(), UnauthorizedException.class);

        assertThat(e.statusCode()).isEqualTo(401);
        assertThat(e.code()).contains("invalid_api_key");
        assertThat(e.type()).contains("authentication_error");
    }

    @Test
    void shouldRaiseNotFoundExceptionWithModelNotFoundForAnUnknownModel() {
        OpenAIClient sdk = sdk(GatewayKafkaFixture.givenActiveKey(client, UUID.randomUUID().toString()));

        NotFoundException chat = catchThrowableOfType(() -> sdk.chat().completions().create(
                ChatCompletionCreateParams.builder().model("gpt-9").addUserMessage("Hi").build()),
                NotFoundException.class);
        NotFoundException embeddings = catchThrowableOfType(() -> sdk.embeddings().create(
                EmbeddingCreateParams.builder().model("text-embedding-9").input("alpha").build()),
                NotFoundException.class);

        assertThat(chat.code()).contains("model_not_found");
        assertThat(chat.param()).contains("model");
        assertThat(embeddings.code()).contains("model_not_found");
    }

    @Test
    void shouldRaiseTheSdksRateLimitExceptionOverTheRequestLimit() {
        // given a tenant allowed one request a minute, known to this gateway (checked without a request)
        String tenantId = UUID.randomUUID().toString();
        String keyId = UUID.randomUUID().toString();
        String key = "fk-" + UUID.randomUUID();
        GatewayKafkaFixture.send(FleetTopics.TENANTS, tenantId, Tenant.newBuilder().setId(tenantId)
                .setName("One a minute").setPlan(Plan.FREE).setStatus(TenantStatus.ACTIVE).setRequestsPerMinute(1)
                .setTokensPerDay(0).setUpdatedAt(Instant.now()).build());
        GatewayKafkaFixture.publishKey(keyId, tenantId, key, ApiKeyStatus.ACTIVE);
        await().atMost(GatewayKafkaFixture.KAFKA_WAIT).until(() -> apiKeys.authenticate(key).isAuthenticated()
                && limits.forTenant(tenantId).requestsPerMinute() == 1);
        // (both requests within one minute)
        await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().atZone(ZoneOffset.UTC).getSecond() < 55);
        OpenAIClient sdk = OpenAIOkHttpClient.builder().baseUrl(baseUrl()).apiKey(key).maxRetries(0).build();

        // when the first request is admitted and the second is not
        assertThat(sdk.models().list().data()).isNotEmpty();
        RateLimitException refused = expectRateLimitException(() -> sdk.models().list());

        // then the SDK sees OpenAI's 429 with when to retry and the limit's headers
        assertThat(refused.headers().values("retry-after")).singleElement()
                .satisfies(seconds -> assertThat(Integer.parseInt(seconds)).isBetween(1, 60));
        assertThat(refused.headers().values("x-ratelimit-limit-requests")).containsExactly("1");
        assertThat(refused.headers().values("x-ratelimit-remaining-requests")).containsExactly("0");
    }

    /** For the rate-limit tests: {@code call} fails as the SDK reports a 429 with {@code rate_limit_exceeded}. */
    static RateLimitException expectRateLimitException(ThrowingCallable call) {
        RateLimitException e = catchThrowableOfType(call, RateLimitException.class);
        assertThat(e.statusCode()).isEqualTo(429);
        assertThat(e.code()).contains("rate_limit_exceeded");
        return e;
    }

    private static ChatRequested requestOf(String tenantId) {
        return fleet.chatRequests().stream().filter(r -> r.getTenantId().equals(tenantId)).findFirst().orElseThrow();
    }

    private static List<Float> littleEndianFloats(String base64) {
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
        List<Float> values = new ArrayList<>();
        while (bytes.hasRemaining()) {
            values.add(bytes.getFloat());
        }
        return values;
    }
}
