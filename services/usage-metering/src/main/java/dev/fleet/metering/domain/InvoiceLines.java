package dev.fleet.metering.domain;

import java.time.YearMonth;
import java.util.List;

import dev.fleet.events.v1.InvoiceLine;

/** The latest invoice lines of a tenant's month, as {@code fleet.billing.lines.v1} holds them. */
public interface InvoiceLines {

    List<InvoiceLine> of(String tenantId, YearMonth month);
}
