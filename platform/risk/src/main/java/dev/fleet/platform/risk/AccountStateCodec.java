package dev.fleet.platform.risk;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link AccountState} as bytes, for a state store and its changelog: a format version byte, then the
 * fields in a fixed order (strings as modified UTF-8, an absent one as a flag). A new format gets a new
 * version byte and this class keeps reading the old ones, so a changelog written before an upgrade
 * restores after it. It is the scorer's own state, never a topic value, hence not an Avro contract.
 */
public final class AccountStateCodec {

    /** The format written. */
    static final byte VERSION_1 = 1;

    private AccountStateCodec() {
    }

    public static byte[] encode(AccountState state) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 48 * state.recent().size()
                + 16 * state.merchants().size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION_1);
            out.writeLong(state.count());
            out.writeDouble(state.mean());
            out.writeDouble(state.m2());
            out.writeLong(state.latestAt());
            writeOptional(out, state.latestCountry());
            out.writeInt(state.recent().size());
            for (AccountState.Seen seen : state.recent()) {
                out.writeLong(seen.at());
                out.writeDouble(seen.amount());
                writeOptional(out, seen.device());
                out.writeUTF(seen.country());
                out.writeUTF(seen.transactionId());
            }
            out.writeInt(state.merchants().size());
            for (String merchant : state.merchants()) {
                out.writeUTF(merchant);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads what {@link #encode} wrote.
     *
     * @throws IllegalArgumentException when the bytes are not an account state of a known format
     */
    public static AccountState decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte version = in.readByte();
            if (version != VERSION_1) {
                throw new IllegalArgumentException("unknown account state format " + version);
            }
            long count = in.readLong();
            double mean = in.readDouble();
            double m2 = in.readDouble();
            long latestAt = in.readLong();
            String latestCountry = readOptional(in);
            int recentSize = in.readInt();
            List<AccountState.Seen> recent = new ArrayList<>(recentSize);
            for (int i = 0; i < recentSize; i++) {
                recent.add(new AccountState.Seen(in.readLong(), in.readDouble(), readOptional(in), in.readUTF(),
                        in.readUTF()));
            }
            int merchantsSize = in.readInt();
            List<String> merchants = new ArrayList<>(merchantsSize);
            for (int i = 0; i < merchantsSize; i++) {
                merchants.add(in.readUTF());
            }
            if (in.available() > 0) {
                throw new IllegalArgumentException("account state has " + in.available() + " trailing bytes");
            }
            return new AccountState(recent, count, mean, m2, merchants, latestAt, latestCountry);
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated account state", e);
        }
    }

    private static void writeOptional(DataOutputStream out, String value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeUTF(value);
        }
    }

    private static String readOptional(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
