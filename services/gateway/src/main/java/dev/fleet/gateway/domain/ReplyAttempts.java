package dev.fleet.gateway.domain;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.fleet.events.v1.ChatChunk;

import reactor.core.publisher.Flux;

/**
 * Reads the chunks of one chat reply as answered by possibly several orchestrator attempts (a
 * {@code ChatRequested} redelivered after a crash or rebalance is answered again, under a new
 * {@code attempt}), so that the client never sees two generations spliced into one answer.
 * <p>
 * The first attempt seen is followed; its re-delivered chunks ({@code seq} already passed) are
 * dropped. Chunks of another attempt mean that attempt answers now: while no text has reached the
 * client, the reader switches to it (the old attempt's partial text is dropped, {@code seq} counts
 * from 0 again) — for a non-streaming request nothing reaches the client before the end, so it
 * always switches; once text was streamed, the reply fails with {@link AttemptChangedException}.
 * Late chunks of an abandoned attempt are ignored. The reply ends with the followed attempt's last
 * chunk (its {@code finishReason}), never with another attempt's.
 * <p>
 * Limits: "reached the client" means emitted downstream with a non-empty delta; chunks of records
 * written before attempts existed carry {@code ""} and count as one attempt.
 */
final class ReplyAttempts {

    private ReplyAttempts() {
    }

    /** For a streamed reply: chunks of one attempt as they come, failing if the attempt changes after text. */
    static Flux<ChatChunk> streamed(Flux<ChatChunk> chunks) {
        return read(chunks, true);
    }

    /** For a whole reply: the chunks of the attempt that finished, emitted once it finished. */
    static Flux<ChatChunk> whole(Flux<ChatChunk> chunks) {
        return read(chunks, false);
    }

    private static Flux<ChatChunk> read(Flux<ChatChunk> chunks, boolean streaming) {
        return Flux.defer(() -> {
            Reader reader = new Reader(streaming);
            return chunks.concatMapIterable(reader::accept).takeUntil(reader::isLast);
        });
    }

    /** The state of one reply. Used from one stream, hence not synchronised. */
    private static final class Reader {

        private final boolean streaming;
        private final Set<String> abandoned = new HashSet<>();
        private final List<ChatChunk> kept = new ArrayList<>();
        private String attempt;
        private int nextSeq;
        private boolean textSent;
        /** The followed attempt's last chunk, once it arrived. */
        private ChatChunk last;

        Reader(boolean streaming) {
            this.streaming = streaming;
        }

        /** What to pass on for {@code chunk}: the chunk when streaming, a whole reply's chunks at its end, or nothing. */
        List<ChatChunk> accept(ChatChunk chunk) {
            String of = chunk.getAttempt();
            if (attempt == null) {
                attempt = of;
            } else if (!attempt.equals(of)) {
                if (abandoned.contains(of)) {
                    return List.of();
                }
                if (textSent) {
                    throw new AttemptChangedException(chunk.getRequestId());
                }
                abandoned.add(attempt);
                attempt = of;
                nextSeq = 0;
                kept.clear();
            }
            if (chunk.getSeq() < nextSeq) {
                return List.of();
            }
            nextSeq = chunk.getSeq() + 1;
            boolean finished = chunk.getFinishReason() != null;
            if (finished) {
                last = chunk;
            }
            if (streaming) {
                textSent |= !chunk.getDelta().isEmpty();
                return List.of(chunk);
            }
            kept.add(chunk);
            return finished ? List.copyOf(kept) : List.of();
        }

        /** True for the followed attempt's last chunk, which ends the reply (it is passed on last). */
        boolean isLast(ChatChunk passed) {
            return passed == last;
        }
    }
}
