package dev.fleet.metering.domain;

import java.time.YearMonth;

import dev.fleet.events.v1.Meter;

/**
 * The key of {@code fleet.billing.lines.v1}: {@code tenantId/yyyy-MM/meter/model} (meter lower case,
 * {@value #NO_MODEL} for usage without a model); a tenant's month is every key under
 * {@link #monthPrefix}.
 */
public final class InvoiceLineKey {

    public static final String NO_MODEL = "-";

    private InvoiceLineKey() {
    }

    public static String of(String tenantId, YearMonth month, Meter meter, String model) {
        return monthPrefix(tenantId, month) + MeterName.of(meter) + "/" + model(model);
    }

    public static String monthPrefix(String tenantId, YearMonth month) {
        return tenantId + "/" + month + "/";
    }

    /** How a line names its model. */
    public static String model(String model) {
        return model == null ? NO_MODEL : model;
    }
}
