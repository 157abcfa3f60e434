package dev.fleet.orchestrator.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.http.HttpStatus;
import org.springframework.ui.ConcurrentModel;
import org.springframework.web.server.ResponseStatusException;

import dev.fleet.events.v1.Experiment;
import dev.fleet.events.v1.ExperimentArm;
import dev.fleet.events.v1.ModelAlias;
import dev.fleet.events.v1.ModelTarget;
import dev.fleet.orchestrator.domain.LimitOverrides;
import dev.fleet.orchestrator.domain.Tenant;
import dev.fleet.orchestrator.domain.TenantAdmin;
import dev.fleet.orchestrator.domain.TenantPlan;
import dev.fleet.orchestrator.domain.console.ConsoleUsage;
import dev.fleet.orchestrator.domain.console.ExperimentResults;
import dev.fleet.orchestrator.domain.routing.AliasAdmin;
import dev.fleet.orchestrator.messaging.ConsoleFeeds;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The pages without their read models (FLEET_CONSOLE_ENABLED=false: the beans do not exist) say so instead of
 * failing, and say "catching up" while the console's mirrors have not caught up.
 */
class UsageExperimentPagesReadModelsTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-20T10:00:00Z"), ZoneOffset.UTC);

    private final Tenant tenant = Tenant.create("Acme", TenantPlan.FREE, LimitOverrides.NONE, CLOCK.instant());
    private final TenantAdmin tenants = mock(TenantAdmin.class);
    private final AliasAdmin aliases = mock(AliasAdmin.class);
    private final ModelAlias alias = ModelAlias.newBuilder().setAlias("chat")
            .setTargets(List.of(new ModelTarget("extractive", "extractive")))
            .setExperiment(new Experiment("tone", List.of(
                    new ExperimentArm("control", 1, List.of(new ModelTarget("extractive", "extractive"))),
                    new ExperimentArm("candidate", 1, List.of(new ModelTarget("extractive", "extractive")))),
                    CLOCK.instant()))
            .setUpdatedAt(CLOCK.instant()).build();

    UsageExperimentPagesReadModelsTest() {
        when(tenants.tenant(tenant.id())).thenReturn(Mono.just(tenant));
        when(aliases.all()).thenReturn(Flux.just(alias));
        when(aliases.find("chat")).thenReturn(Mono.just(alias));
    }

    private static <T> ObjectProvider<T> none(Class<T> type) {
        return new StaticListableBeanFactory().getBeanProvider(type);
    }

    private static <T> ObjectProvider<T> one(Class<T> type, T bean) {
        StaticListableBeanFactory beans = new StaticListableBeanFactory();
        beans.addBean("bean", bean);
        return beans.getBeanProvider(type);
    }

    @Test
    void withoutReadModelsThePagesSaySoAndTheCsvIsUnavailable() {
        UsagePagesController usage = new UsagePagesController(tenants, none(ConsoleUsage.class),
                none(ConsoleFeeds.class), CLOCK);
        ConcurrentModel model = new ConcurrentModel();

        assertThat(usage.usage(tenant.id().toString(), null, null, model).block()).isEqualTo("console/usage");
        assertThat(model.getAttribute("off")).isEqualTo(UsagePagesController.OFF);
        assertThat(model.getAttribute("chart")).isNull();
        ConcurrentModel invoice = new ConcurrentModel();
        assertThat(usage.invoice(tenant.id().toString(), "2026-11", invoice).block()).isEqualTo("console/invoice");
        assertThat(invoice.getAttribute("off")).isEqualTo(UsagePagesController.OFF);
        assertThatThrownBy(() -> usage.invoiceCsv(tenant.id().toString(), "2026-11").block())
                .isInstanceOfSatisfying(ResponseStatusException.class,
                        e -> assertThat(e.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE));

        ExperimentPagesController experiments = new ExperimentPagesController(aliases,
                none(ExperimentResults.class), none(ConsoleFeeds.class));
        ConcurrentModel list = new ConcurrentModel();
        assertThat(experiments.experiments(list).block()).isEqualTo("console/experiments");
        assertThat(list.getAttribute("off")).isEqualTo(ExperimentPagesController.OFF);
        ConcurrentModel one = new ConcurrentModel();
        assertThat(experiments.experiment("/chat", one).block()).isEqualTo("console/experiment");
        assertThat(one.getAttribute("off")).isEqualTo(ExperimentPagesController.OFF);
        assertThat(one.getAttribute("targets")).isEqualTo("extractive/extractive");
    }

    @Test
    void whileTheMirrorsCatchUpThePagesSaySo() {
        ConsoleFeeds behind = mock(ConsoleFeeds.class);
        when(behind.isCaughtUp()).thenReturn(false);
        UsagePagesController usage = new UsagePagesController(tenants,
                one(ConsoleUsage.class, new ConsoleUsage(Duration.ofDays(400), CLOCK)), one(ConsoleFeeds.class, behind),
                CLOCK);
        ConcurrentModel model = new ConcurrentModel();
        usage.usage(tenant.id().toString(), "2026-11-01", "2026-11-19", model).block();
        assertThat(model.getAttribute("catchingUp")).isEqualTo(UsagePagesController.CATCHING_UP);
        assertThat((String) model.getAttribute("chart")).contains("No usage in this range.");

        ExperimentPagesController experiments = new ExperimentPagesController(aliases,
                one(ExperimentResults.class, new ExperimentResults(10)), one(ConsoleFeeds.class, behind));
        ConcurrentModel list = new ConcurrentModel();
        experiments.experiments(list).block();
        assertThat(list.getAttribute("catchingUp")).isEqualTo(ExperimentPagesController.CATCHING_UP);
        assertThat(list.getAttribute("running")).asList().hasSize(1);

        when(behind.isCaughtUp()).thenReturn(true);
        ConcurrentModel caughtUp = new ConcurrentModel();
        experiments.experiments(caughtUp).block();
        assertThat(caughtUp.getAttribute("catchingUp")).isNull();
    }
}
