package dev.fleet.gateway.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import dev.fleet.platform.kafka.RequestObservation;
import dev.fleet.platform.kafka.TraceParent;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.samplers.Sampler;

import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * What joining the gateway's HTTP span to a chat's producer span costs per request (decision 0052): one
 * request-shaped reactive chain (40 operators: maps, flatMaps, filters, and one hop to another thread) subscribed with a recorded HTTP
 * observation in its Reactor context, in which an event's trace is taken, under three modes:
 * {@code none} (today's default before 0052: the chain cannot see the span), {@code auto} (Reactor's
 * automatic context propagation, {@code SPRING_REACTOR_CONTEXT_PROPAGATION=auto}: the observation's scope
 * is restored around every operator) and {@code explicit} ({@link RequestObservation#defer} once, where the
 * event is made). One fork per mode (the Reactor hook is per JVM); JMH's GC profiler adds the bytes
 * allocated per request. Each mode prints once whether the event joined the HTTP span's trace. Run:
 * {@code java -cp <gateway test classpath> dev.fleet.gateway.bench.ContextPropagationBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
public class ContextPropagationBenchmark {

    private static final int STAGES = 10;

    @Param({"none", "auto", "explicit"})
    public String mode;

    private SdkTracerProvider provider;
    private ObservationRegistry registry;

    @Setup(Level.Trial)
    public void setUp() {
        provider = SdkTracerProvider.builder().setSampler(Sampler.alwaysOn()).build();
        OtelCurrentTraceContext current = new OtelCurrentTraceContext();
        OtelTracer tracer = new OtelTracer(provider.get("bench"), current, event -> {
        });
        registry = ObservationRegistry.create();
        registry.observationConfig().observationHandler(new DefaultTracingObservationHandler(tracer));
        ObservationThreadLocalAccessor.getInstance().setObservationRegistry(registry);
        if (mode.equals("auto")) {
            Hooks.enableAutomaticContextPropagation();
        }
        // what the mode achieves: the event in the HTTP span's trace ("joined") or not
        System.out.println("# mode " + mode + ": " + request());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Hooks.disableAutomaticContextPropagation();
        provider.close();
    }

    /** One request: an HTTP observation around a chain that takes the event's trace midway. */
    @Benchmark
    public String request() {
        Observation http = Observation.start("http.server.requests", registry);
        try {
            Mono<String> event = mode.equals("explicit")
                    ? RequestObservation.defer(() -> Mono.just(TraceParent.currentOrNewRoot().traceId()))
                    : Mono.fromSupplier(() -> TraceParent.currentOrNewRoot().traceId());
            Mono<String> chain = Mono.just("request");
            for (int i = 0; i < STAGES; i++) {
                chain = chain.map(s -> s + ".").filter(s -> !s.isEmpty()).flatMap(Mono::just).map(String::trim);
                if (i == STAGES / 2) {
                    chain = chain.publishOn(Schedulers.boundedElastic()); // a hop, as to the publisher's thread
                }
            }
            String traceId = chain.then(event)
                    .contextWrite(context -> context.put(ObservationThreadLocalAccessor.KEY, http)).block();
            return traceId + (traceId.equals(traceIdOf(http)) ? " joined" : " separate");
        } finally {
            http.stop();
        }
    }

    private static String traceIdOf(Observation observation) {
        io.micrometer.tracing.handler.TracingObservationHandler.TracingContext tracing = observation.getContextView()
                .get(io.micrometer.tracing.handler.TracingObservationHandler.TracingContext.class);
        return tracing.getSpan().context().traceId();
    }

    public static void main(String[] args) throws RunnerException {
        // allocation per request (gc.alloc.rate.norm) is exact where time on a shared machine is not
        new Runner(new OptionsBuilder().include(ContextPropagationBenchmark.class.getName())
                .addProfiler(GCProfiler.class).build()).run();
    }
}
