package dev.fleet.embedding.config;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.fleet.embedding.domain.EmbeddingBatcher;
import dev.fleet.embedding.domain.LangChainTextEmbedder;
import dev.fleet.embedding.domain.TextEmbedder;
import dev.fleet.platform.kafka.KnowledgeClient;
import dev.langchain4j.model.embedding.onnx.HuggingFaceTokenCountEstimator;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;

/**
 * Loads the in-process embedding model (quantized all-MiniLM-L6-v2, 384 dimensions, shipped inside its
 * Maven artifact) once and warms it up before the context is refreshed, so the service reports ready
 * only with a model that answers at full speed.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(FleetEmbeddingProperties.class)
public class EmbeddingModelConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EmbeddingModelConfiguration.class);

    /** The threads the ONNX model runs on; one model call spreads its texts over them. */
    @Bean(destroyMethod = "shutdown")
    ExecutorService embeddingInferenceExecutor(FleetEmbeddingProperties properties) {
        int threads = properties.effectiveInferenceThreads();
        AtomicInteger counter = new AtomicInteger();
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), task -> {
            Thread thread = new Thread(task, "embedding-inference-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Bean
    TextEmbedder textEmbedder(ExecutorService embeddingInferenceExecutor) {
        long start = System.nanoTime();
        TextEmbedder embedder = new LangChainTextEmbedder(KnowledgeClient.EMBEDDING_MODEL,
                new AllMiniLmL6V2QuantizedEmbeddingModel(embeddingInferenceExecutor),
                new HuggingFaceTokenCountEstimator());
        long loaded = System.nanoTime();
        embedder.embedAll(List.of("Warming up the embedding model.", "A second text warms up the threads."));
        log.info("embedding model {} ({} dimensions) loaded in {} ms, warmed up in {} ms", embedder.modelName(),
                embedder.dimension(), (loaded - start) / 1_000_000, (System.nanoTime() - loaded) / 1_000_000);
        return embedder;
    }

    @Bean
    EmbeddingBatcher embeddingBatcher(TextEmbedder textEmbedder, FleetEmbeddingProperties properties) {
        return new EmbeddingBatcher(textEmbedder, properties.maxInputsPerRequest());
    }
}
