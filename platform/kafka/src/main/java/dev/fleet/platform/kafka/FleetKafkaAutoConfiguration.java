package dev.fleet.platform.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.kafka.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.autoconfigure.kafka.KafkaAutoConfiguration;
import org.springframework.boot.autoconfigure.kafka.KafkaProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.CompositeBatchInterceptor;
import org.springframework.kafka.listener.ContainerPausingBackOffHandler;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.ListenerContainerPauseService;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.CompositeProducerListener;
import org.springframework.kafka.support.LoggingProducerListener;
import org.springframework.kafka.support.serializer.DelegatingByTypeSerializer;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.util.backoff.FixedBackOff;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;

/**
 * The fleet's Kafka conventions, applied to every service that has this library: the Avro
 * serde, idempotent {@code acks=all} producers with fleet headers, read-committed consumers
 * with manual commits, one error policy (bounded retries, then {@code <topic>.dlq}), and
 * provisioning of the topics the service touches from the catalog ({@link TopicProvisioning}).
 */
@AutoConfiguration(before = KafkaAutoConfiguration.class)
@EnableConfigurationProperties({FleetKafkaProperties.class, FleetBacklogProperties.class, KafkaProperties.class})
public class FleetKafkaAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(FleetKafkaAutoConfiguration.class);

    @Bean
    @ConditionalOnMissingBean
    FleetSchemaStore fleetSchemaStore() {
        return FleetSchemaStore.fromCatalog();
    }

    @Bean
    @ConditionalOnMissingBean
    FleetSerde fleetSerde(FleetSchemaStore store) {
        return new AvroSingleObjectSerde(store);
    }

    /** Records usage with the application's {@link java.time.Clock} if it has one, else the system's (UTC). */
    @Bean
    @ConditionalOnMissingBean
    UsageRecorder usageRecorder(org.springframework.beans.factory.ObjectProvider<java.time.Clock> clock) {
        return new UsageRecorder(clock.getIfAvailable(java.time.Clock::systemUTC));
    }

    @Bean
    ProducerFactory<String, SpecificRecord> kafkaProducerFactory(KafkaProperties kafka, FleetSerde serde,
            ObjectProvider<DefaultKafkaProducerFactoryCustomizer> customizers) {
        DefaultKafkaProducerFactory<String, SpecificRecord> factory = new DefaultKafkaProducerFactory<>(
                producerConfig(kafka), new StringSerializer(), serde.serializer());
        customizers.orderedStream().forEach(customizer -> customizer.customize(factory));
        return factory;
    }

    @Bean
    KafkaTemplate<String, SpecificRecord> kafkaTemplate(ProducerFactory<String, SpecificRecord> producerFactory) {
        return new KafkaTemplate<>(producerFactory);
    }

    @Bean
    FleetPublisher fleetPublisher(KafkaTemplate<String, SpecificRecord> kafkaTemplate, FleetKafkaProperties fleet) {
        return new FleetPublisher(kafkaTemplate, fleet.service());
    }

    /**
     * Exactly-once outputs for listeners that use it (the embedding worker): its own transactional
     * producer, ids {@code <instance-id>-tx-<n>}; the producer is only created on first use.
     */
    @Bean
    @ConditionalOnMissingBean
    TransactionalOutputs fleetTransactionalOutputs(KafkaProperties kafka, FleetSerde serde,
            FleetKafkaProperties fleet, ObjectProvider<DefaultKafkaProducerFactoryCustomizer> customizers) {
        DefaultKafkaProducerFactory<String, SpecificRecord> factory = new DefaultKafkaProducerFactory<>(
                producerConfig(kafka), new StringSerializer(), serde.serializer());
        customizers.orderedStream().forEach(customizer -> customizer.customize(factory));
        factory.setTransactionIdPrefix(fleet.instanceId() + "-tx-");
        return new TransactionalOutputs(new KafkaTemplate<>(factory), fleet.service());
    }

    /** Writes dead letters: raw bytes from failed decoding, or decoded records from failed processing. */
    @Bean
    KafkaTemplate<Object, Object> fleetDeadLetterTemplate(KafkaProperties kafka, FleetSerde serde,
            ObjectProvider<DefaultKafkaProducerFactoryCustomizer> customizers,
            ObjectProvider<DeadLetterCounter> counter) {
        Map<Class<?>, Serializer<?>> byType = new LinkedHashMap<>();
        byType.put(byte[].class, new ByteArraySerializer());
        byType.put(String.class, new StringSerializer());
        byType.put(SpecificRecord.class, serde.serializer());
        DelegatingByTypeSerializer serializer = new DelegatingByTypeSerializer(byType, true);
        DelegatingByTypeSerializer keySerializer = new DelegatingByTypeSerializer(Map.of(
                byte[].class, new ByteArraySerializer(), String.class, new StringSerializer()));
        DefaultKafkaProducerFactory<Object, Object> factory = new DefaultKafkaProducerFactory<>(producerConfig(kafka),
                keySerializer, serializer);
        customizers.orderedStream().forEach(customizer -> customizer.customize(factory));
        KafkaTemplate<Object, Object> template = new KafkaTemplate<>(factory);
        counter.ifAvailable(dlqRecords -> template.setProducerListener(
                new CompositeProducerListener<>(new LoggingProducerListener<>(), dlqRecords)));
        return template;
    }

    @Bean
    DeadLetters fleetDeadLetters(@Qualifier("fleetDeadLetterTemplate") KafkaTemplate<Object, Object> template) {
        return new DeadLetters(template);
    }

    /** The dead-letter recoverer, also for Kafka Streams' {@code RecoveringDeserializationExceptionHandler}. */
    @Bean
    DeadLetterPublishingRecoverer fleetDeadLetterRecoverer(
            @Qualifier("fleetDeadLetterTemplate") KafkaTemplate<Object, Object> template) {
        DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(template,
                (record, exception) -> DeadLetters.destination(record));
        recoverer.setFailIfSendResultIsError(true);
        recoverer.setHeadersFunction((record, exception) -> {
            org.apache.kafka.common.header.internals.RecordHeaders headers =
                    new org.apache.kafka.common.header.internals.RecordHeaders();
            headers.add(FleetHeaders.ERROR, FleetHeaders.rootCause(exception)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return headers;
        });
        return recoverer;
    }

    @Bean
    @ConditionalOnMissingBean
    ListenerOutages fleetListenerOutages() {
        return new ListenerOutages(java.time.Clock.systemUTC());
    }

    /**
     * The one error policy: a record that fails transiently ({@link TransientFailures}: a database or
     * broker away) is retried with a doubling backoff capped at {@code fleet.kafka.transient-backoff-max}
     * for as long as the failure lasts, the container paused meanwhile (it keeps its partitions) and
     * {@link ListenerOutages} down; any other failure is retried {@code retry-attempts} times, then
     * dead-lettered and its offset committed.
     */
    @Bean
    DefaultErrorHandler fleetErrorHandler(DeadLetterPublishingRecoverer recoverer, FleetKafkaProperties fleet,
            ListenerOutages outages) {
        ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
        scheduler.setThreadNamePrefix("fleet-listener-pause-");
        scheduler.setDaemon(true);
        scheduler.initialize();
        DefaultErrorHandler handler = new DefaultErrorHandler((record, exception) -> {
            log.warn("dead-lettering {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    FleetHeaders.rootCause(exception));
            recoverer.accept(record, exception);
        }, new FixedBackOff(fleet.retryBackoff().toMillis(), fleet.retryAttempts()),
                new ContainerPausingBackOffHandler(new ListenerContainerPauseService(null, scheduler)));
        handler.setBackOffFunction((record, exception) -> TransientFailures.isTransient(exception)
                ? transientBackOff(fleet) : null);
        handler.setRetryListeners(outages);
        handler.setCommitRecovered(true);
        handler.setLogLevel(org.springframework.kafka.KafkaException.Level.WARN);
        return handler;
    }

    private static ExponentialBackOff transientBackOff(FleetKafkaProperties fleet) {
        ExponentialBackOff backOff = new ExponentialBackOff(Math.max(1, fleet.retryBackoff().toMillis()), 2.0);
        backOff.setMaxInterval(Math.max(backOff.getInitialInterval(), fleet.transientBackoffMax().toMillis()));
        backOff.setMaxElapsedTime(Long.MAX_VALUE); // for as long as the outage lasts
        return backOff;
    }

    @Bean
    @SuppressWarnings({"unchecked", "rawtypes"})
    ConsumerFactory<String, SpecificRecord> kafkaConsumerFactory(KafkaProperties kafka, FleetSerde serde,
            FleetKafkaProperties fleet, ObjectProvider<ConsumerFactory.Listener<?, ?>> listeners) {
        Map<String, Object> config = consumerConfig(kafka, fleet);
        DefaultKafkaConsumerFactory<String, SpecificRecord> factory = new DefaultKafkaConsumerFactory<>(config,
                new StringDeserializer(), new ErrorHandlingDeserializer<>(serde.deserializer()));
        listeners.orderedStream().forEach(listener -> factory.addListener((ConsumerFactory.Listener) listener));
        return factory;
    }

    /** Record listeners: one record at a time, the fleet error policy. */
    @Bean
    ConcurrentKafkaListenerContainerFactory<String, SpecificRecord> kafkaListenerContainerFactory(
            ConsumerFactory<String, SpecificRecord> consumerFactory, DefaultErrorHandler errorHandler,
            ListenerOutages outages) {
        ConcurrentKafkaListenerContainerFactory<String, SpecificRecord> factory =
                new ConcurrentKafkaListenerContainerFactory<>();
        factory.setConsumerFactory(consumerFactory);
        factory.setCommonErrorHandler(errorHandler);
        factory.setRecordInterceptor(outages.recordInterceptor());
        return factory;
    }

    /**
     * Batch listeners (micro-batching workers). A listener that cannot process record {@code i}
     * throws {@code BatchListenerFailedException(i)}; a value that failed to decode arrives as
     * {@code null} and must be reported the same way. Each record gets a consumer span
     * ({@link BatchReceiveObservations}).
     */
    @Bean
    ConcurrentKafkaListenerContainerFactory<String, SpecificRecord> fleetBatchListenerFactory(
            ConsumerFactory<String, SpecificRecord> consumerFactory, DefaultErrorHandler errorHandler,
            ListenerOutages outages, ObjectProvider<ObservationRegistry> observations) {
        ConcurrentKafkaListenerContainerFactory<String, SpecificRecord> factory =
                new ConcurrentKafkaListenerContainerFactory<>();
        factory.setConsumerFactory(consumerFactory);
        factory.setCommonErrorHandler(errorHandler);
        factory.setBatchInterceptor(new CompositeBatchInterceptor<>(outages.batchInterceptor(),
                new BatchReceiveObservations(observations.getIfUnique(() -> ObservationRegistry.NOOP))));
        factory.setBatchListener(true);
        return factory;
    }

    /** The consumers the platform and services drive by hand, with their client metrics where Micrometer is. */
    @Bean
    @ConditionalOnMissingBean
    HandDrivenConsumers handDrivenConsumers(ObjectProvider<HandDrivenConsumers.Binding> binding) {
        HandDrivenConsumers.Binding bound = binding.getIfUnique();
        return bound == null ? HandDrivenConsumers.UNBOUND : new HandDrivenConsumers(bound);
    }

    @Bean
    TopicMirrors topicMirrors(KafkaProperties kafka, FleetSerde serde, DeadLetters deadLetters,
            FleetKafkaProperties fleet, HandDrivenConsumers handDriven) {
        return new TopicMirrors(consumerConfig(kafka, fleet), serde, deadLetters, handDriven);
    }

    /** How often the cluster is asked whether it answers, and how long an answer may take. */
    private static final Duration REACHABILITY_INTERVAL = Duration.ofSeconds(1);
    private static final Duration REACHABILITY_TIMEOUT = Duration.ofSeconds(2);

    @Bean(initMethod = "start", destroyMethod = "close")
    @ConditionalOnMissingBean
    KafkaReachability kafkaReachability(KafkaProperties kafka) {
        return new KafkaReachability(kafka.buildAdminProperties(null), REACHABILITY_INTERVAL, REACHABILITY_TIMEOUT);
    }

    @Bean
    ReplyConsumers replyConsumers(KafkaProperties kafka, FleetSerde serde, DeadLetters deadLetters,
            FleetKafkaProperties fleet, HandDrivenConsumers handDriven) {
        return new ReplyConsumers(consumerConfig(kafka, fleet), serde, deadLetters, fleet.replyGroup(),
                fleet.replyAssignmentWait(), handDriven);
    }

    @Bean
    @ConditionalOnProperty(name = "fleet.kafka.provision-topics", havingValue = "true", matchIfMissing = true)
    KafkaAdmin.NewTopics fleetTopics(FleetKafkaProperties fleet) {
        return new KafkaAdmin.NewTopics(TopicProvisioning.newTopics(fleet).toArray(NewTopic[]::new));
    }

    static Map<String, Object> producerConfig(KafkaProperties kafka) {
        Map<String, Object> config = new HashMap<>(kafka.buildProducerProperties(null));
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        // a send blocks its caller at most this long for metadata when the broker is away
        config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) Duration.ofSeconds(5).toMillis());
        config.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Duration.ofSeconds(30).toMillis());
        config.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Duration.ofSeconds(10).toMillis());
        return config;
    }

    static Map<String, Object> consumerConfig(KafkaProperties kafka, FleetKafkaProperties fleet) {
        Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties(null));
        config.putIfAbsent(ConsumerConfig.GROUP_ID_CONFIG, fleet.service());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return config;
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
    static class Metrics {

        /**
         * Kafka client metrics of every listener's consumer, tagged with its group; the producers' come
         * from Spring Boot's {@code KafkaMetricsAutoConfiguration} customizers, which the fleet's
         * producer factories apply, and so do Kafka Streams'.
         */
        @Bean
        ConsumerGroupMetrics<?, ?> fleetConsumerGroupMetrics(ObjectProvider<MeterRegistry> registry,
                FleetKafkaProperties fleet) {
            return new ConsumerGroupMetrics<>(registry.getIfAvailable(() -> io.micrometer.core.instrument.Metrics.globalRegistry),
                    fleet.clientMetricsRefresh());
        }

        /** Kafka client metrics of the hand-driven consumers (mirrors, tails, reply consumers, a service's own). */
        @Bean
        HandDrivenConsumers.Binding fleetHandDrivenConsumerMetrics(ObjectProvider<MeterRegistry> registry,
                FleetKafkaProperties fleet) {
            return new HandDrivenConsumerMetrics(registry.getIfAvailable(() -> io.micrometer.core.instrument.Metrics.globalRegistry),
                    fleet.clientMetricsRefresh());
        }

        /**
         * {@code fleet.backlog.records{group, topic, tenant}} of this service's consumer groups: its listener
         * containers' groups, its Kafka Streams application's, and {@code fleet.backlog.groups}.
         */
        @Bean
        @ConditionalOnProperty(name = "fleet.backlog.enabled", havingValue = "true", matchIfMissing = true)
        TenantBacklogMetrics fleetTenantBacklogMetrics(FleetBacklogProperties backlog, KafkaProperties kafka,
                FleetKafkaProperties fleet, HandDrivenConsumers handDriven, ObjectProvider<MeterRegistry> registry,
                ObjectProvider<org.springframework.kafka.config.KafkaListenerEndpointRegistry> listeners) {
            java.util.function.Supplier<java.util.Set<String>> groups = () -> {
                java.util.Set<String> names = new java.util.TreeSet<>();
                listeners.ifAvailable(containers -> containers.getAllListenerContainers().forEach(container -> {
                    if (container.getGroupId() != null) {
                        names.add(container.getGroupId());
                    }
                }));
                if (kafka.getStreams().getApplicationId() != null) {
                    names.add(kafka.getStreams().getApplicationId());
                }
                return names;
            };
            return new TenantBacklogMetrics(backlog, consumerConfig(kafka, fleet), groups, handDriven,
                    registry.getIfAvailable(() -> io.micrometer.core.instrument.Metrics.globalRegistry),
                    java.time.Clock.systemUTC());
        }

        @Bean
        KafkaConsumerGroupTag fleetKafkaConsumerGroupTag() {
            return new KafkaConsumerGroupTag();
        }

        @Bean
        DeadLetterCounter fleetDeadLetterCounter(ObjectProvider<MeterRegistry> registry) {
            return new DeadLetterCounter(registry.getIfAvailable(() -> io.micrometer.core.instrument.Metrics.globalRegistry));
        }

        @Bean
        ReplyConsumersMetrics replyConsumersMetrics(ReplyConsumers consumers) {
            return new ReplyConsumersMetrics(consumers);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
    static class Health {

        @Bean
        TopicMirrorsHealthIndicator topicMirrorsHealthIndicator(TopicMirrors mirrors) {
            return new TopicMirrorsHealthIndicator(mirrors);
        }

        /** Health contributor {@code replyPartitions}: in the readiness group of every requesting service. */
        @Bean
        ReplyPartitionsHealthIndicator replyPartitionsHealthIndicator(ReplyConsumers consumers) {
            return new ReplyPartitionsHealthIndicator(consumers);
        }

        /** Health contributor {@code kafka}: in every service's readiness group. */
        /** Health contributor {@code listenerOutages}: for the readiness group of services whose listeners need a database. */
        @Bean
        ListenerOutagesHealthIndicator listenerOutagesHealthIndicator(ListenerOutages outages) {
            return new ListenerOutagesHealthIndicator(outages);
        }

        @Bean
        KafkaBrokerHealthIndicator kafkaHealthIndicator(KafkaReachability reachability) {
            return new KafkaBrokerHealthIndicator(reachability);
        }
    }
}
