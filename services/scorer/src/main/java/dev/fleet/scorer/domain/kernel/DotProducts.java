package dev.fleet.scorer.domain.kernel;

import java.lang.management.ManagementFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the kernel once per JVM: the Vector API one when {@code jdk.incubator.vector} is in the boot
 * layer (the JVM was started with {@code --add-modules jdk.incubator.vector}) and the C2 compiler runs, else
 * the scalar one. Without C2 (e.g. {@code -XX:TieredStopAtLevel=1}, as the test JVMs run) the Vector API is not
 * intrinsified, allocates per operation and is about 10× <em>slower</em> than the scalar loop, so it is not chosen. {@code -Dfleet.scorer.kernel=scalar} forces the scalar kernel (for
 * comparison). The choice is logged at start-up.
 */
public final class DotProducts {

    private static final Logger log = LoggerFactory.getLogger(DotProducts.class);
    private static final String VECTOR_MODULE = "jdk.incubator.vector";

    private DotProducts() {
    }

    /** The fastest kernel this JVM can run (or the one {@code fleet.scorer.kernel} asks for). */
    public static DotProduct best() {
        if ("scalar".equals(System.getProperty("fleet.scorer.kernel"))) {
            log.info("dot-product kernel: scalar (forced by -Dfleet.scorer.kernel=scalar)");
            return ScalarDotProduct.INSTANCE;
        }
        DotProduct vector = vectorApi();
        if (vector != null && !optimizingCompilerRuns()) {
            log.warn("dot-product kernel: scalar (the Vector API needs the C2 compiler; this JVM stops at C1)");
            return ScalarDotProduct.INSTANCE;
        }
        if (vector != null) {
            log.info("dot-product kernel: {} (jdk.incubator.vector)", vector.name());
            return vector;
        }
        log.warn("dot-product kernel: scalar (start the JVM with --add-modules {} for the SIMD kernel)",
                VECTOR_MODULE);
        return ScalarDotProduct.INSTANCE;
    }

    /** The Vector API kernel, or null when this JVM cannot run it. */
    public static DotProduct vectorApi() {
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            return null;
        }
        try {
            // by name: the class links against the incubator module, which may be absent
            DotProduct kernel = (DotProduct) Class.forName(DotProducts.class.getPackageName() + ".VectorApiDotProduct")
                    .getDeclaredConstructor().newInstance();
            float[] probe = {1, 2, 3};
            return kernel.dot(probe, probe, 0) == 14f ? kernel : null;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            log.warn("the Vector API kernel is unavailable: {}", e.toString());
            return null;
        }
    }

    /** Whether HotSpot's C2 compiler is on (tiered up to level 4, or not tiered); true if unknown. */
    static boolean optimizingCompilerRuns() {
        try {
            var hotspot = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            boolean tiered = Boolean.parseBoolean(hotspot.getVMOption("TieredCompilation").getValue());
            int stopAtLevel = Integer.parseInt(hotspot.getVMOption("TieredStopAtLevel").getValue());
            return !tiered || stopAtLevel >= 4;
        } catch (RuntimeException | LinkageError e) {
            return true;
        }
    }
}
