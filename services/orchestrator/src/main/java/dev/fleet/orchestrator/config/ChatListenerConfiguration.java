package dev.fleet.orchestrator.config;

import java.util.Collection;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;

import dev.fleet.orchestrator.domain.ChatService;
import dev.fleet.orchestrator.messaging.ChatConcurrency;
import dev.fleet.orchestrator.messaging.ChatRequestListener;
import dev.fleet.platform.kafka.FleetKafkaProperties;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.platform.kafka.KnowledgeClient;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * How chat requests are consumed: many chats in flight per consumer, offsets committed by hand once
 * settled ({@code AckMode.MANUAL}), bounded per replica and per tenant ({@code fleet.orchestrator.chat.*}).
 */
@Configuration(proxyBeanMethods = false)
class ChatListenerConfiguration {

    /** Also the gauges {@code fleet.orchestrator.chats.in.flight} and {@code fleet.orchestrator.chats.queued}. */
    @Bean
    ChatConcurrency chatConcurrency(FleetOrchestratorProperties properties, KafkaListenerEndpointRegistry registry,
            MeterRegistry meters) {
        FleetOrchestratorProperties.Chat chat = properties.chat();
        ChatConcurrency concurrency = new ChatConcurrency(chat.maxInFlight(), chat.maxInFlightPerTenant(),
                chat.maxQueued(), () -> registry.getListenerContainer(ChatRequestListener.ID));
        Gauge.builder("fleet.orchestrator.chats.in.flight", concurrency, ChatConcurrency::inFlight)
                .description("chat requests being answered by this instance").register(meters);
        Gauge.builder("fleet.orchestrator.chats.queued", concurrency, ChatConcurrency::queued)
                .description("fetched chat requests waiting for a slot").register(meters);
        return concurrency;
    }

    @Bean
    ChatRequestListener chatRequestListener(ChatService chats, FleetPublisher publisher, KnowledgeClient knowledge,
            ChatConcurrency concurrency, DeadLetterPublishingRecoverer deadLetters,
            FleetOrchestratorProperties properties, FleetKafkaProperties kafka) {
        return concurrency.listener(chats, publisher, knowledge, deadLetters, properties.chat().concurrency(),
                properties.chat().timeout(), kafka.retryAttempts(), kafka.retryBackoff());
    }

    @Bean
    ConcurrentKafkaListenerContainerFactory<String, SpecificRecord> chatListenerFactory(
            ConsumerFactory<String, SpecificRecord> consumerFactory, DefaultErrorHandler errorHandler,
            ChatConcurrency concurrency) {
        ConcurrentKafkaListenerContainerFactory<String, SpecificRecord> factory =
                new ConcurrentKafkaListenerContainerFactory<>();
        factory.setConsumerFactory(consumerFactory);
        factory.setCommonErrorHandler(errorHandler);
        factory.getContainerProperties().setAckMode(AckMode.MANUAL);
        factory.getContainerProperties().setConsumerRebalanceListener(new ConsumerAwareRebalanceListener() {
            @Override
            public void onPartitionsRevokedBeforeCommit(Consumer<?, ?> consumer,
                    Collection<TopicPartition> partitions) {
                concurrency.revoked(partitions);
            }

            @Override
            public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
                concurrency.revoked(partitions);
            }
        });
        return factory;
    }
}
