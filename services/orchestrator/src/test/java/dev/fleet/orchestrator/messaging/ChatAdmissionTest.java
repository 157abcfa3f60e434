package dev.fleet.orchestrator.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class ChatAdmissionTest {

    private final List<String> started = new ArrayList<>();
    private final List<String> backpressure = new ArrayList<>();

    @Test
    void startsAnotherTenantsChatBeforeTheRestOfABurst() {
        // given: room for 3 chats, a tenant's burst of 5 fetched first
        ChatAdmission admission = admission(3, 3, 100);
        for (int i = 0; i < 5; i++) {
            submit(admission, "a", "a" + i);
        }
        submit(admission, "b", "b0");

        // when: one of the burst finishes
        admission.finished("a");

        // then: the other tenant's chat goes next, then the burst goes on
        assertThat(started).containsExactly("a0", "a1", "a2", "b0");
        admission.finished("a");
        assertThat(started).endsWith("a3");
    }

    @Test
    void keepsATenantBelowItsOwnLimitWhileOthersHaveRoom() {
        // given
        ChatAdmission admission = admission(10, 2, 100);

        // when
        for (int i = 0; i < 4; i++) {
            submit(admission, "a", "a" + i);
        }
        submit(admission, "b", "b0");

        // then
        assertThat(started).containsExactly("a0", "a1", "b0");
        assertThat(admission.inFlight()).isEqualTo(3);
        assertThat(admission.queued()).isEqualTo(2);
    }

    @Test
    void pausesFetchingWhenTooManyWaitAndResumesAtHalf() {
        // given: one slot, four may wait
        ChatAdmission admission = admission(1, 1, 4);

        // when: five arrive (one runs, four wait)
        for (int i = 0; i < 5; i++) {
            submit(admission, "t" + i, "c" + i);
        }

        // then
        assertThat(backpressure).containsExactly("pause");

        // when: two finish, leaving two waiting
        admission.finished("t0");
        assertThat(backpressure).containsExactly("pause");
        admission.finished("t1");

        // then
        assertThat(backpressure).containsExactly("pause", "resume");
    }

    private void submit(ChatAdmission admission, String tenant, String name) {
        admission.submit(tenant, () -> started.add(name));
    }

    private ChatAdmission admission(int maxInFlight, int perTenant, int maxQueued) {
        return new ChatAdmission(maxInFlight, perTenant, maxQueued, new ChatAdmission.Backpressure() {
            @Override
            public void pause() {
                backpressure.add("pause");
            }

            @Override
            public void resume() {
                backpressure.add("resume");
            }
        });
    }
}
