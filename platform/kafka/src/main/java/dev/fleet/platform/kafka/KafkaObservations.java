package dev.fleet.platform.kafka;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.kafka.config.AbstractKafkaListenerContainerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Turns on spring-kafka's observations for every {@link KafkaTemplate} and listener container factory
 * of a service, the platform's and the service's own alike, so each send records a producer span and
 * each record listener a consumer span, linked through the {@code traceparent} header. Templates get
 * a {@link KnownClusterId}, so no send ever waits for a cluster-id lookup.
 * <p>
 * Limits (spring-kafka 3.3): the container observation covers record listeners only (batch listeners
 * of the platform's factory get theirs from {@link BatchReceiveObservations}); containers look their
 * cluster id up themselves, once, on the consumer thread.
 */
class KafkaObservations implements BeanPostProcessor {

    private final ObjectProvider<KafkaReachability> reachability;

    KafkaObservations(ObjectProvider<KafkaReachability> reachability) {
        this.reachability = reachability;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof KafkaTemplate<?, ?> template) {
            observe(template);
        } else if (bean instanceof TransactionalOutputs outputs) {
            observe(outputs.template());
        } else if (bean instanceof AbstractKafkaListenerContainerFactory<?, ?, ?> factory) {
            factory.getContainerProperties().setObservationEnabled(true);
        }
        return bean;
    }

    private void observe(KafkaTemplate<?, ?> template) {
        template.setObservationEnabled(true);
        if (template.getKafkaAdmin() == null) {
            template.setKafkaAdmin(new KnownClusterId(this::clusterId));
        }
    }

    private String clusterId() {
        KafkaReachability known = reachability.getIfAvailable();
        return known == null ? null : known.clusterId();
    }
}
