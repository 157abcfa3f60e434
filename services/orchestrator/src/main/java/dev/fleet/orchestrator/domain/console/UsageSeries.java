package dev.fleet.orchestrator.domain.console;

import java.util.Comparator;
import java.util.Locale;
import java.util.Objects;

import dev.fleet.events.v1.Meter;

/**
 * One series of a usage chart: a meter of a model. {@code model} is {@code "-"} for usage without a
 * model, as in the keys of {@code fleet.usage.rollups.v1} and in invoice lines.
 */
public record UsageSeries(Meter meter, String model) implements Comparable<UsageSeries> {

    /** The model of usage that names none. */
    public static final String NO_MODEL = "-";

    private static final Comparator<UsageSeries> ORDER = Comparator.comparing(UsageSeries::meter)
            .thenComparing(UsageSeries::model);

    public UsageSeries {
        Objects.requireNonNull(meter, "meter");
        model = model == null || model.isEmpty() ? NO_MODEL : model;
    }

    /** {@code prompt_tokens · gpt-4o-mini}, or the meter alone for usage without a model. */
    public String label() {
        String name = meter.name().toLowerCase(Locale.ROOT);
        return NO_MODEL.equals(model) ? name : name + " · " + model;
    }

    @Override
    public int compareTo(UsageSeries other) {
        return ORDER.compare(this, other);
    }
}
