package dev.fleet.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

/** The one place that picks the tests' Kafka and PostgreSQL: a function of FLEET_TEST_INFRA and Docker. */
class TestInfrastructureTest {

    private static final BooleanSupplier DOCKER = () -> true;
    private static final BooleanSupplier NO_DOCKER = () -> false;

    @Test
    void containersWhereDockerExistsAndLocalOtherwiseWhenNothingIsRequested() {
        for (String unset : new String[] {null, "", "  ", "auto", "AUTO"}) {
            assertThat(TestInfrastructure.choose(unset, DOCKER)).as("%s with Docker", unset)
                    .isEqualTo(TestInfrastructure.CONTAINERS);
            assertThat(TestInfrastructure.choose(unset, NO_DOCKER)).as("%s without Docker", unset)
                    .isEqualTo(TestInfrastructure.LOCAL);
        }
    }

    @Test
    void localIsForcedWithoutAskingDocker() {
        AtomicInteger asked = new AtomicInteger();

        TestInfrastructure chosen = TestInfrastructure.choose("local", () -> asked.incrementAndGet() > 0);

        assertThat(chosen).isEqualTo(TestInfrastructure.LOCAL);
        assertThat(asked).hasValue(0);
    }

    @Test
    void containersAreForcedAndFailClearlyWithoutDocker() {
        assertThat(TestInfrastructure.choose(" containers ", DOCKER)).isEqualTo(TestInfrastructure.CONTAINERS);

        assertThatThrownBy(() -> TestInfrastructure.choose("containers", NO_DOCKER))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("FLEET_TEST_INFRA=containers").hasMessageContaining("no Docker");
    }

    @Test
    void refusesAnUnknownChoice() {
        assertThatThrownBy(() -> TestInfrastructure.choose("docker", DOCKER))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("FLEET_TEST_INFRA").hasMessageContaining("'docker'");
    }

    @Test
    void saysWhichInfrastructureAndWhy() {
        assertThat(TestInfrastructure.LOCAL.describe(null))
                .isEqualTo("in-JVM KRaft broker + local PostgreSQL (no Docker)");
        assertThat(TestInfrastructure.LOCAL.describe("local"))
                .isEqualTo("in-JVM KRaft broker + local PostgreSQL (FLEET_TEST_INFRA=local)");
        assertThat(TestInfrastructure.CONTAINERS.describe("auto"))
                .contains("KafkaContainer (apache/kafka:3.9.1)").contains("PostgreSQLContainer")
                .endsWith("(Docker available)");
    }

    @Test
    void theSharedBrokerAndDatabaseFollowThisJvmsChoice() throws Exception {
        // given the choice this JVM made
        TestInfrastructure chosen = TestInfrastructure.current();

        // then the shared database is the container's or the local server's accordingly
        String hostPort = SharedPostgres.hostPort();
        String localDefault = System.getenv("FLEET_TEST_POSTGRES_HOSTPORT") == null ? "127.0.0.1:5432"
                : System.getenv("FLEET_TEST_POSTGRES_HOSTPORT");
        if (chosen == TestInfrastructure.LOCAL) {
            assertThat(hostPort).isEqualTo(localDefault);
        } else {
            assertThat(hostPort).isNotEqualTo(localDefault);
        }
        try (var connection = SharedPostgres.connect(); var rs = connection.createStatement()
                .executeQuery("SELECT current_database()")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(SharedPostgres.DATABASE);
        }
        assertThat(TestInfrastructure.current()).as("chosen once").isSameAs(chosen);
    }
}
