package dev.fleet.orchestrator.console;

import static dev.fleet.orchestrator.domain.console.ConsoleFixtures.assigned;
import static dev.fleet.orchestrator.domain.console.ConsoleFixtures.day;
import static dev.fleet.orchestrator.domain.console.ConsoleFixtures.line;
import static dev.fleet.orchestrator.domain.console.ConsoleFixtures.outcome;
import static dev.fleet.orchestrator.domain.console.ConsoleFixtures.quota;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.fleet.events.v1.ExperimentArm;
import dev.fleet.events.v1.InvoiceLine;
import dev.fleet.events.v1.InvoiceStatus;
import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.ModelTarget;
import dev.fleet.events.v1.QuotaState;
import dev.fleet.orchestrator.domain.Tenant;
import dev.fleet.orchestrator.domain.TenantAdmin;
import dev.fleet.orchestrator.domain.TenantPlan;
import dev.fleet.orchestrator.domain.routing.AliasAdmin;
import dev.fleet.orchestrator.messaging.ConsoleFeeds;
import dev.fleet.test.FleetTestEnvironment;

/**
 * The usage and billing pages and the experiments pages against the running orchestrator: records published to
 * usage-metering's topics and experiment events to the domain events reach the pages through the console's
 * read models; the numbers shown are the ones published.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class UsageExperimentPagesIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static ConsoleTopics topics;

    @Autowired
    private WebTestClient web;

    @Autowired
    private TenantAdmin tenants;

    @Autowired
    private AliasAdmin aliases;

    @Autowired
    private ConsoleFeeds feeds;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        FleetTestEnvironment.kafkaAndPostgres(registry);
    }

    @BeforeAll
    static void producer() {
        topics = new ConsoleTopics();
    }

    @AfterAll
    static void close() {
        topics.close();
    }

    @Test
    void usagePageShowsTokensPerDayAsChartAndTableTheQuotaAndTheInvoiceMonths() {
        // given a tenant with two days of token usage (and a meter that is not tokens), a quota past 80 %,
        // invoice lines of this month (a draft) and of the last (final)
        Tenant tenant = tenants.createTenant("Usage Co " + UUID.randomUUID(), TenantPlan.FREE).block();
        String id = tenant.id().toString();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        LocalDate d1 = today.minusDays(2);
        LocalDate d2 = today.minusDays(1);
        YearMonth month = YearMonth.now(ZoneOffset.UTC);
        YearMonth last = month.minusMonths(1);
        topics.send(day(id, d1, Meter.PROMPT_TOKENS, "gpt-a", 1_234));
        topics.send(day(id, d1, Meter.COMPLETION_TOKENS, "gpt-a", 566));
        topics.send(day(id, d2, Meter.PROMPT_TOKENS, "gpt-b", 40_000));
        topics.send(day(id, d2, Meter.SEARCH_QUERIES, "-", 7));
        topics.send(quota(id, month.toString(), 85_000, 100_000L, QuotaState.WARNING));
        topics.send(line(id, month.toString(), Meter.PROMPT_TOKENS, "gpt-a", 1_234, "12.345", InvoiceStatus.DRAFT));
        topics.send(line(id, month.toString(), Meter.COMPLETION_TOKENS, "gpt-a", 566, "7.50", InvoiceStatus.DRAFT));
        topics.send(line(id, last.toString(), Meter.PROMPT_TOKENS, "gpt-b", 9_000, "3.20", InvoiceStatus.FINAL));
        ConsoleClient console = ConsoleClient.signIn(web, "Ada");

        // when the usage page is read for the range d1..today (once the read models have the records)
        String path = "/console/tenants/" + id + "/usage?from=" + d1 + "&to=" + today;
        String html = awaitPage(console, path, page -> assertThat(page).contains("40,000", "85,000", "3.20 USD"));

        // then the table has a row per day with a column per token series and the totals
        assertThat(headers(html, "usage-table")).containsExactly("Day", "prompt_tokens · gpt-a",
                "prompt_tokens · gpt-b", "completion_tokens · gpt-a", "Total");
        assertThat(cells(html, d1.toString())).containsExactly("1,234", "0", "566", "1,800");
        assertThat(cells(html, d2.toString())).containsExactly("0", "40,000", "0", "40,000");
        assertThat(cells(html, today.toString())).containsExactly("0", "0", "0", "0");
        assertThat(cells(html, "Total")).containsExactly("1,234", "40,000", "566", "41,800");
        assertThat(html).doesNotContain("search_queries");
        // and the chart is inline SVG drawn without style attributes (the CSP would drop them)
        String svg = html.substring(html.indexOf("<svg"), html.indexOf("</svg>"));
        assertThat(svg).contains("role=\"img\"", "Total 41,800 tokens", d2 + " prompt_tokens · gpt-b: 40,000")
                .doesNotContain("style=");
        // and the quota's used, limit, percentage and state in words
        assertThat(cells(html, month.toString()).subList(0, 4)).containsExactly("85,000", "100,000", "85 %",
                "Warning");
        // and the invoice months, latest first, with status and the total rounded once (19.845 → 19.84)
        assertThat(html.indexOf(">" + month + "</a>")).isLessThan(html.indexOf(">" + last + "</a>")).isPositive();
        assertThat(rowAfter(html, ">" + month + "</a>")).contains("DRAFT", "19.84 USD", "Download CSV");
        assertThat(rowAfter(html, ">" + last + "</a>")).contains("FINAL", "3.20 USD");
        assertThat(html).doesNotContain("catching up");

        // and without a range it shows the last 30 days, today included
        String defaults = console.page("/console/tenants/" + id + "/usage");
        assertThat(defaults).contains("value=\"" + today.minusDays(29) + "\"", "value=\"" + today + "\"");
        // (a GET form: its range goes into the address, the CSRF token must not)
        String form = defaults.substring(defaults.indexOf("<form class=\"inline\" method=\"get\""));
        assertThat(form.substring(0, form.indexOf("</form>"))).contains("name=\"from\"").doesNotContain("_csrf");
        assertThat(cells(defaults, d2.toString())).contains("40,000");
    }

    @Test
    void invoicePageListsTheLinesAndTheTotalAndItsCsvDownloads() {
        // given a tenant with two invoice lines this month
        Tenant tenant = tenants.createTenant("Invoice Co " + UUID.randomUUID(), TenantPlan.PRO).block();
        String id = tenant.id().toString();
        YearMonth month = YearMonth.now(ZoneOffset.UTC);
        InvoiceLine prompt = line(id, month.toString(), Meter.PROMPT_TOKENS, "gpt-a", 1_234, "12.345",
                InvoiceStatus.DRAFT);
        topics.send(prompt);
        topics.send(line(id, month.toString(), Meter.COMPLETION_TOKENS, "gpt-a, \"quoted\"", 566, "7.50",
                InvoiceStatus.DRAFT));
        ConsoleClient console = ConsoleClient.signIn(web, "Ada");

        // when its invoice page is read
        String html = awaitPage(console, "/console/tenants/" + id + "/invoices/" + month,
                page -> assertThat(page).contains("7.50 USD"));

        // then every line shows meter, model, quantity, unit price and amount, and the total and status
        assertThat(cells(html, "prompt_tokens")).containsExactly("gpt-a", "1,234", "0.15 USD per 1,000,000",
                "12.345 USD", "DRAFT");
        assertThat(cells(html, "completion_tokens")).containsExactly("gpt-a, &quot;quoted&quot;", "566",
                "0.15 USD per 1,000,000", "7.50 USD", "DRAFT");
        assertThat(html).contains("<strong>19.84 USD</strong>", "exact sum of the lines 19.845", ">DRAFT<");
        String csvPath = "/console/tenants/" + id + "/invoices/" + month + ".csv";
        assertThat(html).contains("href=\"" + csvPath + "\"");

        // when the CSV is downloaded, it is an attachment named after tenant and month, one row per line and the total
        EntityExchangeResult<byte[]> csv = console.get(csvPath).expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(new MediaType("text", "csv"))
                .expectBody().returnResult();
        assertThat(csv.getResponseHeaders().getFirst(HttpHeaders.CONTENT_DISPOSITION))
                .isEqualTo("attachment; filename=\"invoice-" + id + "-" + month + ".csv\"");
        String[] rows = new String(csv.getResponseBody(), StandardCharsets.UTF_8).split("\r\n");
        assertThat(rows).hasSize(4);
        assertThat(rows[0]).startsWith("tenant,month,status,meter,model,quantity,unit_price,per,amount,currency");
        assertThat(rows[1]).startsWith(id + "," + month + ",DRAFT,prompt_tokens,gpt-a,1234,0.15,1000000,12.345,USD,");
        assertThat(rows[2]).contains(",completion_tokens,\"gpt-a, \"\"quoted\"\"\",566,");
        assertThat(rows[3]).isEqualTo(id + "," + month + ",DRAFT,total,,,,,19.84,USD,,");

        // and a month without lines is an empty draft, not an error
        String empty = console.page("/console/tenants/" + id + "/invoices/" + month.plusMonths(1));
        assertThat(empty).contains("No invoice lines for this month.");
    }

    @Test
    void badDatesMonthsAndTenantsArePagesWithTheReason() {
        Tenant tenant = tenants.createTenant("Bad Input Co " + UUID.randomUUID(), TenantPlan.FREE).block();
        ConsoleClient console = ConsoleClient.signIn(web, "Ada");
        String base = "/console/tenants/" + tenant.id();

        assertThat(problem(console, base + "/usage?from=yesterday", 400)).contains("is not a date for from");
        assertThat(problem(console, base + "/usage?from=2026-11-20&to=2026-11-01", 400))
                .contains("The range ends (2026-11-01) before it starts (2026-11-20).");
        assertThat(problem(console, base + "/usage?from=2000-01-01&to=2026-11-01", 400)).contains("at most 3660 days");
        assertThat(problem(console, base + "/invoices/2026-13", 400)).contains("is not a month: write it as yyyy-MM");
        assertThat(problem(console, base + "/invoices/november.csv", 400)).contains("is not a month");
        assertThat(problem(console, "/console/tenants/" + UUID.randomUUID() + "/usage", 404)).contains("There is no tenant");
        assertThat(problem(console, "/console/tenants/not-a-tenant/invoices/2026-11", 404)).contains("There is no tenant");
    }

    @Test
    void experimentsPageShowsEachArmsDefinitionAndResultsFromTheDomainEvents() {
        // given an alias running an experiment with two arms, and events of its users and requests (one redelivered),
        // and of an experiment that ran on it before
        String alias = "console-" + UUID.randomUUID().toString().substring(0, 8);
        List<ModelTarget> targets = List.of(new ModelTarget("extractive", "extractive"));
        aliases.putTargets(alias, targets).block();
        aliases.putExperiment(alias, "tone-test", List.of(new ExperimentArm("control", 90, targets),
                new ExperimentArm("candidate", 10, targets))).block();
        String tenant = UUID.randomUUID().toString();
        String once = UUID.randomUUID().toString();
        topics.send(assigned(once, tenant, alias, "tone-test", "control", "u1"));
        topics.send(assigned(once, tenant, alias, "tone-test", "control", "u1"));
        topics.send(assigned(UUID.randomUUID().toString(), tenant, alias, "tone-test", "control", "u2"));
        topics.send(outcome(UUID.randomUUID().toString(), tenant, alias, "tone-test", "control", true, 10, 10, 20));
        topics.send(outcome(UUID.randomUUID().toString(), tenant, alias, "tone-test", "control", true, 30, 30, 40));
        topics.send(outcome(UUID.randomUUID().toString(), tenant, alias, "tone-test", "control", false, 20, 10, 0));
        topics.send(outcome(UUID.randomUUID().toString(), tenant, alias, "old-test", "a", true, 50, 5, 5));
        ConsoleClient console = ConsoleClient.signIn(web, "Ada");

        try {
            // when the experiments page is read
            String html = awaitPage(console, "/console/experiments",
                    page -> assertThat(page).contains(">old-test<").contains("(2 of 3)"));

            // then the running experiment shows each arm's weight, share, targets and results
            String running = html.substring(html.indexOf(">Running<"), html.indexOf(">Ended<"));
            String section = running.substring(running.indexOf(">" + alias + "</a>"));
            assertThat(running).contains("<span>tone-test</span> on");
            assertThat(cells(section, "control")).containsExactly("90", "90.0 %", "extractive/extractive", "2", "3",
                    "66.7 % (2 of 3)", "20 ms", "20.0 ms", "36.7");
            assertThat(cells(section, "candidate")).containsExactly("10", "10.0 %", "extractive/extractive", "0", "0",
                    "–", "–", "–", "–");
            assertThat(running).contains("href=\"/console/experiments/" + alias + "\"");
            // and the one that no longer runs is listed as ended
            String ended = html.substring(html.indexOf(">Ended<"));
            assertThat(cells(ended.substring(ended.indexOf(">" + alias + "</a>")), "a"))
                    .containsExactly("–", "–", "–", "0", "1", "100.0 % (1 of 1)", "50 ms", "50.0 ms", "10.0");

            // when the alias's page is read, it adds the targets and splits the token means
            String detail = console.page("/console/experiments/" + alias);
            assertThat(detail).contains("requests go to <span>extractive/extractive</span>", "<strong>tone-test</strong>");
            assertThat(cells(detail, "control")).endsWith("36.7", "16.7", "20.0");
            assertThat(problem(console, "/console/experiments/no-such-" + alias, 404)).contains("no model alias");
        } finally {
            aliases.remove(alias).block();
        }
    }

    @Test
    void pagesSayWhenTheReadModelsAreCatchingUp() {
        assertThat(feeds.isCaughtUp()).isTrue();
        Tenant tenant = tenants.createTenant("Caught Up Co " + UUID.randomUUID(), TenantPlan.FREE).block();
        String html = ConsoleClient.signIn(web, "Ada").page("/console/tenants/" + tenant.id() + "/usage");
        assertThat(html).doesNotContain(UsagePagesController.CATCHING_UP)
                .contains("has stated no quota standing", "No invoice lines yet", "No usage in this range.");
    }

    private static String awaitPage(ConsoleClient console, String path, java.util.function.Consumer<String> ready) {
        return await().atMost(WAIT).until(() -> console.page(path), page -> {
            try {
                ready.accept(page);
                return true;
            } catch (AssertionError e) {
                return false;
            }
        });
    }

    private static String problem(ConsoleClient console, String path, int status) {
        return console.get(path).expectStatus().isEqualTo(status).expectBody(String.class).returnResult()
                .getResponseBody();
    }

    /** The texts (tags removed) of the cells after the row header {@code rowHeader} of the first such row. */
    static List<String> cells(String html, String rowHeader) {
        Matcher row = Pattern.compile("<th scope=\"row\"[^>]*>(?:<[^>]+>)*" + Pattern.quote(rowHeader)
                + "(?:<[^>]+>)*</th>(.*?)</tr>", Pattern.DOTALL).matcher(html);
        assertThat(row.find()).as("a row headed " + rowHeader).isTrue();
        return texts(row.group(1), "td");
    }

    private static List<String> headers(String html, String tableId) {
        String table = html.substring(html.indexOf("id=\"" + tableId + "\""));
        return texts(table.substring(table.indexOf("<thead>"), table.indexOf("</thead>")), "th");
    }

    private static String rowAfter(String html, String marker) {
        String rest = html.substring(html.indexOf(marker));
        return rest.substring(0, rest.indexOf("</tr>"));
    }

    private static List<String> texts(String html, String tag) {
        Matcher cell = Pattern.compile("<" + tag + "[^>]*>(.*?)</" + tag + ">", Pattern.DOTALL).matcher(html);
        List<String> texts = new ArrayList<>();
        while (cell.find()) {
            texts.add(cell.group(1).replaceAll("<[^>]+>", "").replaceAll("\\s+", " ").trim());
        }
        return texts;
    }
}
