package dev.fleet.metering.config;

import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.autoconfigure.kafka.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.fleet.metering.domain.InvoiceLines;
import dev.fleet.metering.domain.PublishedPriceBooks;
import dev.fleet.metering.domain.UsageReplay;
import dev.fleet.metering.messaging.KafkaUsageReplay;
import dev.fleet.metering.messaging.MirroredInvoiceLines;
import dev.fleet.metering.messaging.MirroredPriceBooks;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.platform.kafka.TopicMirrors;
import dev.fleet.schemas.FleetTopics;

/**
 * The query side of billing: every replica mirrors {@code fleet.billing.lines.v1} (invoices) and
 * {@code fleet.price-book.v1} (the simulations' current prices); simulations replay the usage topic with
 * a consumer of their own. (The lines themselves are written by the topology, see
 * {@link MeteringConfiguration}.)
 */
@Configuration(proxyBeanMethods = false)
public class BillingConfiguration {

    @Bean
    InvoiceLines invoiceLines(TopicMirrors mirrors) {
        MirroredInvoiceLines lines = new MirroredInvoiceLines();
        mirrors.fromBeginning(FleetTopics.BILLING_LINES, lines::apply);
        return lines;
    }

    @Bean
    PublishedPriceBooks publishedPriceBooks(TopicMirrors mirrors) {
        MirroredPriceBooks books = new MirroredPriceBooks();
        mirrors.fromBeginning(FleetTopics.PRICE_BOOK, books::apply);
        return books;
    }

    @Bean
    UsageReplay usageReplay(KafkaProperties kafka, FleetSerde serde) {
        Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties(null));
        return new KafkaUsageReplay(config, serde);
    }
}
