package dev.fleet.orchestrator.console;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;

import dev.fleet.events.v1.InvoiceLine;
import dev.fleet.events.v1.InvoiceStatus;
import dev.fleet.orchestrator.domain.Tenant;
import dev.fleet.orchestrator.domain.TenantAdmin;
import dev.fleet.orchestrator.domain.console.ConsoleUsage;
import dev.fleet.orchestrator.domain.console.QuotaView;
import dev.fleet.orchestrator.domain.console.TokensPerDay;
import dev.fleet.orchestrator.domain.console.TokensPerDayChart;
import dev.fleet.orchestrator.domain.console.UsageSeries;
import dev.fleet.orchestrator.messaging.ConsoleFeeds;
import dev.fleet.platform.billing.Invoice;

import reactor.core.publisher.Mono;

/**
 * A tenant's usage and billing pages: {@code /console/tenants/{id}/usage} (tokens per UTC day by meter and
 * model as a server-side SVG chart and the same numbers as a table, the quota standing, the months with
 * invoice lines) and {@code /console/tenants/{id}/invoices/{yyyy-MM}} (an invoice draft's lines and total,
 * with its CSV at {@code …/{yyyy-MM}.csv}). The numbers come from the console's read models
 * ({@link ConsoleUsage}, fed from usage-metering's topics by {@link ConsoleFeeds}); where those are off
 * ({@code FLEET_CONSOLE_ENABLED=false}) the pages say so instead of failing.
 */
@Controller
public class UsagePagesController {

    /** The range shown when none is asked for: the last 30 UTC days, today included. */
    static final int DEFAULT_DAYS = 30;
    static final String OFF = "The console's read models are off on this replica (FLEET_CONSOLE_ENABLED=false): "
            + "usage, quota and invoices are not shown.";
    static final String CATCHING_UP = "The console is catching up with the usage topics: the numbers may be "
            + "incomplete for a moment.";

    private final TenantAdmin tenants;
    private final ObjectProvider<ConsoleUsage> usage;
    private final ObjectProvider<ConsoleFeeds> feeds;
    private final Clock clock;

    public UsagePagesController(TenantAdmin tenants, ObjectProvider<ConsoleUsage> usage,
            ObjectProvider<ConsoleFeeds> feeds, Clock clock) {
        this.tenants = tenants;
        this.usage = usage;
        this.feeds = feeds;
        this.clock = clock;
    }

    @GetMapping("/console/tenants/{id}/usage")
    Mono<String> usage(@PathVariable String id, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to, Model model) {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        LocalDate last = to == null || to.isBlank() ? today : date(to, "to");
        LocalDate first = from == null || from.isBlank() ? last.minusDays(DEFAULT_DAYS - 1) : date(from, "from");
        if (last.isBefore(first)) {
            throw badRequest("The range ends (" + last + ") before it starts (" + first + ").");
        }
        if (last.toEpochDay() - first.toEpochDay() + 1 > ConsoleUsage.MAX_DAYS) {
            throw badRequest("A range is at most " + ConsoleUsage.MAX_DAYS + " days.");
        }
        return tenant(id).map(tenant -> {
            model.addAttribute("tenant", tenant);
            model.addAttribute("from", first);
            model.addAttribute("to", last);
            ConsoleUsage read = usage.getIfAvailable();
            if (read == null) {
                model.addAttribute("off", OFF);
                return "console/usage";
            }
            caughtUp(model);
            String tenantId = tenant.id().toString();
            TokensPerDay data = read.tokensPerDay(tenantId, first, last.plusDays(1));
            model.addAttribute("chart", TokensPerDayChart.svg(data, "Tokens per day, " + tenant.name()));
            model.addAttribute("table", UsageTable.of(data));
            model.addAttribute("oldestKept", data.oldestKept().isAfter(first) ? data.oldestKept() : null);
            model.addAttribute("quota", read.quota(tenantId).map(QuotaRow::of).orElse(null));
            model.addAttribute("invoices", read.invoiceMonths(tenantId).stream()
                    .map(month -> InvoiceRow.of(read.invoice(tenantId, month))).toList());
            model.addAttribute("currentMonth", YearMonth.now(clock.withZone(ZoneOffset.UTC)));
            return "console/usage";
        });
    }

    @GetMapping("/console/tenants/{id}/invoices/{month}")
    Mono<String> invoice(@PathVariable String id, @PathVariable String month, Model model) {
        YearMonth yearMonth = month(month);
        return tenant(id).map(tenant -> {
            model.addAttribute("tenant", tenant);
            model.addAttribute("month", yearMonth);
            ConsoleUsage read = usage.getIfAvailable();
            if (read == null) {
                model.addAttribute("off", OFF);
                return "console/invoice";
            }
            caughtUp(model);
            Invoice invoice = read.invoice(tenant.id().toString(), yearMonth);
            model.addAttribute("invoice", InvoiceRow.of(invoice));
            model.addAttribute("lines", invoice.lines().stream().map(LineRow::of).toList());
            return "console/invoice";
        });
    }

    @GetMapping("/console/tenants/{id}/invoices/{month}.csv")
    Mono<ResponseEntity<byte[]>> invoiceCsv(@PathVariable String id, @PathVariable String month) {
        YearMonth yearMonth = month(month);
        return tenant(id).map(tenant -> {
            ConsoleUsage read = usage.getIfAvailable();
            if (read == null) {
                throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, OFF);
            }
            String csv = read.invoiceCsv(tenant.id().toString(), yearMonth);
            return ResponseEntity.ok()
                    .contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
                    .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                            .filename("invoice-" + tenant.id() + "-" + yearMonth + ".csv").build().toString())
                    .body(csv.getBytes(StandardCharsets.UTF_8));
        });
    }

    private void caughtUp(Model model) {
        ConsoleFeeds feed = feeds.getIfAvailable();
        if (feed != null && !feed.isCaughtUp()) {
            model.addAttribute("catchingUp", CATCHING_UP);
        }
    }

    private Mono<Tenant> tenant(String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return Mono.error(ConsoleModel.notFound("There is no tenant " + id + "."));
        }
        return tenants.tenant(uuid).switchIfEmpty(Mono.error(() -> ConsoleModel.notFound("There is no tenant " + id + ".")));
    }

    private static LocalDate date(String value, String name) {
        try {
            return LocalDate.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw badRequest("'" + value + "' is not a date for " + name + ": write it as yyyy-MM-dd, e.g. 2026-11-30.");
        }
    }

    static YearMonth month(String value) {
        try {
            return YearMonth.parse(value);
        } catch (DateTimeParseException e) {
            throw badRequest("'" + value + "' is not a month: write it as yyyy-MM, e.g. 2026-11.");
        }
    }

    private static ResponseStatusException badRequest(String message) {
        return new ResponseStatusException(HttpStatus.BAD_REQUEST, message);
    }

    static String grouped(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    /** The chart's numbers as a table: a row per day, a column per series, totals per day and per series. */
    public record UsageTable(List<String> series, List<Row> rows, List<String> seriesTotals, String total) {

        /** One day: its quantity per series (in {@link #series} order) and its total. */
        public record Row(LocalDate date, List<String> quantities, String total) {
        }

        static UsageTable of(TokensPerDay data) {
            List<UsageSeries> series = data.series();
            long[] totals = new long[series.size()];
            List<Row> rows = new ArrayList<>();
            for (TokensPerDay.Day day : data.days()) {
                List<String> quantities = new ArrayList<>();
                for (int s = 0; s < series.size(); s++) {
                    long q = day.quantity(series.get(s));
                    totals[s] += q;
                    quantities.add(grouped(q));
                }
                rows.add(new Row(day.date(), quantities, grouped(day.total())));
            }
            long all = 0;
            List<String> seriesTotals = new ArrayList<>();
            for (long t : totals) {
                all += t;
                seriesTotals.add(grouped(t));
            }
            return new UsageTable(series.stream().map(UsageSeries::label).toList(), rows, seriesTotals, grouped(all));
        }
    }

    /** The quota standing as the page shows it; the state is said in words, its badge only adds colour. */
    public record QuotaRow(YearMonth month, String used, String limit, String percent, String state, String badge,
            String updatedAt) {

        static QuotaRow of(QuotaView quota) {
            String badge = switch (quota.state()) {
                case OK -> "ok";
                case WARNING -> "warn";
                case EXCEEDED -> "bad";
            };
            String state = switch (quota.state()) {
                case OK -> "OK";
                case WARNING -> "Warning";
                case EXCEEDED -> "Exceeded";
            };
            Integer percent = quota.percentUsed();
            return new QuotaRow(quota.month(), grouped(quota.used()),
                    quota.limit() == null ? "no quota" : grouped(quota.limit()),
                    percent == null ? "–" : percent + " %", state, badge,
                    quota.updatedAt() == null ? "" : quota.updatedAt().toString());
        }
    }

    /** An invoice's month, status and totals as the pages show them. */
    public record InvoiceRow(YearMonth month, String status, boolean draft, String total, String exactTotal,
            String currency, int lines) {

        static InvoiceRow of(Invoice invoice) {
            String currency = invoice.currency() == null ? "" : invoice.currency();
            BigDecimal exact = invoice.exactTotal().stripTrailingZeros();
            return new InvoiceRow(invoice.month(), invoice.status().name(),
                    invoice.status() == InvoiceStatus.DRAFT,
                    invoice.total().toPlainString(),
                    exact.compareTo(invoice.total()) == 0 ? null : exact.toPlainString(), currency,
                    invoice.lines().size());
        }
    }

    /** One invoice line as the invoice page shows it. */
    public record LineRow(String meter, String model, String quantity, String unitPrice, String per, String amount,
            String currency, int priceBookVersion, String status) {

        static LineRow of(InvoiceLine line) {
            return new LineRow(line.getMeter().name().toLowerCase(Locale.ROOT), line.getModel(),
                    grouped(line.getQuantity()), line.getUnitPrice().getAmount(), grouped(line.getPer()),
                    line.getAmount().getAmount(), line.getAmount().getCurrency(), line.getPriceBookVersion(),
                    line.getStatus().name());
        }
    }
}
