package dev.fleet.metering.messaging;

import java.time.YearMonth;
import java.util.List;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

import dev.fleet.events.v1.InvoiceLine;
import dev.fleet.metering.domain.InvoiceLineKey;
import dev.fleet.metering.domain.InvoiceLines;
import dev.fleet.platform.kafka.MirroredRecord;

/**
 * Every replica's copy of {@code fleet.billing.lines.v1} (a {@link dev.fleet.platform.kafka.TopicMirror}
 * from the beginning), so every replica answers the same invoice without asking the task that wrote it;
 * a month's lines are one prefix scan.
 *
 * <p>Limits: the whole topic is held in memory (one small record per tenant, month, meter and model);
 * an answer is as fresh as the mirror (lines are written transactionally, read committed).
 */
public class MirroredInvoiceLines implements InvoiceLines {

    private final NavigableMap<String, InvoiceLine> lines = new ConcurrentSkipListMap<>();

    /** Applies one record of the topic. */
    public void apply(MirroredRecord<InvoiceLine> record) {
        if (record.value() == null) {
            lines.remove(record.key());
        } else {
            lines.put(record.key(), record.value());
        }
    }

    @Override
    public List<InvoiceLine> of(String tenantId, YearMonth month) {
        String prefix = InvoiceLineKey.monthPrefix(tenantId, month);
        return List.copyOf(lines.subMap(prefix, true, prefix + Character.MAX_VALUE, true).values());
    }
}
