package dev.fleet.platform.risk;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link AccountState} as bytes, for a state store and its changelog: a format version byte, then the
 * fields in a fixed order, big-endian; a string as its UTF-8 length (2 bytes, -1 when absent) and bytes.
 * A new format gets a new version byte and this class keeps reading the old ones, so a changelog written
 * before an upgrade restores after it. It is the scorer's own state, never a topic value, hence not an
 * Avro contract. Written and read once per transaction, so it avoids per-character streams.
 */
public final class AccountStateCodec {

    /** The format written. */
    static final byte VERSION_1 = 1;

    private static final int MAX_STRING_BYTES = Short.MAX_VALUE;

    private AccountStateCodec() {
    }

    public static byte[] encode(AccountState state) {
        List<AccountState.Seen> recent = state.recent();
        byte[][] strings = new byte[1 + 3 * recent.size() + state.merchants().size()][];
        int size = 1 + 8 + 8 + 8 + 8 + 4 + 4 + 2 * strings.length + 16 * recent.size();
        int s = 0;
        size += length(strings[s++] = utf8(state.latestCountry()));
        for (AccountState.Seen seen : recent) {
            size += length(strings[s++] = utf8(seen.device()));
            size += length(strings[s++] = utf8(seen.country()));
            size += length(strings[s++] = utf8(seen.transactionId()));
        }
        for (String merchant : state.merchants()) {
            size += length(strings[s++] = utf8(merchant));
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(VERSION_1).putLong(state.count()).putDouble(state.mean()).putDouble(state.m2())
                .putLong(state.latestAt());
        s = 0;
        put(out, strings[s++]);
        out.putInt(recent.size());
        for (AccountState.Seen seen : recent) {
            out.putLong(seen.at()).putDouble(seen.amount());
            put(out, strings[s++]);
            put(out, strings[s++]);
            put(out, strings[s++]);
        }
        out.putInt(state.merchants().size());
        while (s < strings.length) {
            put(out, strings[s++]);
        }
        return out.array();
    }

    /**
     * Reads what {@link #encode} wrote.
     *
     * @throws IllegalArgumentException when the bytes are not an account state of a known format
     */
    public static AccountState decode(byte[] data) {
        ByteBuffer in = ByteBuffer.wrap(data);
        try {
            byte version = in.get();
            if (version != VERSION_1) {
                throw new IllegalArgumentException("unknown account state format " + version);
            }
            long count = in.getLong();
            double mean = in.getDouble();
            double m2 = in.getDouble();
            long latestAt = in.getLong();
            String latestCountry = string(in);
            int recentSize = in.getInt();
            List<AccountState.Seen> recent = new ArrayList<>(Math.min(recentSize, in.remaining() / 22));
            for (int i = 0; i < recentSize; i++) {
                recent.add(new AccountState.Seen(in.getLong(), in.getDouble(), string(in), string(in), string(in)));
            }
            int merchantsSize = in.getInt();
            List<String> merchants = new ArrayList<>(Math.min(merchantsSize, in.remaining() / 2));
            for (int i = 0; i < merchantsSize; i++) {
                merchants.add(string(in));
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException("account state has " + in.remaining() + " trailing bytes");
            }
            return new AccountState(recent, count, mean, m2, merchants, latestAt, latestCountry);
        } catch (BufferUnderflowException | IndexOutOfBoundsException | NullPointerException e) {
            throw new IllegalArgumentException("truncated or corrupt account state", e);
        }
    }

    private static byte[] utf8(String value) {
        if (value == null) {
            return null;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_STRING_BYTES) {
            throw new IllegalArgumentException("a string of an account state is longer than " + MAX_STRING_BYTES
                    + " bytes");
        }
        return bytes;
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private static void put(ByteBuffer out, byte[] bytes) {
        if (bytes == null) {
            out.putShort((short) -1);
        } else {
            out.putShort((short) bytes.length).put(bytes);
        }
    }

    private static String string(ByteBuffer in) {
        short length = in.getShort();
        if (length < 0) {
            return null;
        }
        String value = new String(in.array(), in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return value;
    }
}
