package dev.fleet.orchestrator.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class ConversationOrderTest {

    private final ConversationOrder order = new ConversationOrder();
    private final List<String> started = new ArrayList<>();
    private final List<Runnable> settle = new ArrayList<>();

    @Test
    void shouldRunAConversationsRequestsOneAfterAnotherAndOtherConversationsAlongside() {
        // given two requests of conversation c1 and one of c2
        submit("c1", "c1-first");
        submit("c1", "c1-second");
        submit("c2", "c2-first");

        // then c1's second waits for its first; c2 runs alongside
        assertThat(started).containsExactly("c1-first", "c2-first");
        assertThat(order.waiting()).isEqualTo(1);

        // when c1's first is settled
        settle.get(0).run();

        // then c1's second runs, and when it settles too nothing is left waiting
        assertThat(started).containsExactly("c1-first", "c2-first", "c1-second");
        settle.get(2).run();
        settle.get(1).run();
        assertThat(order.waiting()).isZero();
        submit("c1", "c1-third");
        assertThat(started).last().isEqualTo("c1-third");
    }

    private void submit(String conversation, String name) {
        order.submit(conversation, done -> {
            started.add(name);
            settle.add(done);
        });
    }
}
