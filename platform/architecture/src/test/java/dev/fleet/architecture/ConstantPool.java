package dev.fleet.architecture;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The text constants of a class file: every {@code CONSTANT_Utf8} of its constant pool, which holds the
 * string literals ({@code ldc "…"}), the annotation values ({@code @KafkaListener(topics = "…")}),
 * string-concatenation recipes and inlined {@code static final String}s of other classes — besides
 * names and descriptors (JVMS §4.4). Limits: a name assembled at run time from pieces is not seen.
 */
final class ConstantPool {

    private ConstantPool() {
    }

    static List<String> texts(byte[] classFile) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort(); // minor
        in.readUnsignedShort(); // major
        int count = in.readUnsignedShort();
        List<String> texts = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> texts.add(in.readUTF()); // Utf8: u2 length + modified UTF-8, as readUTF reads it
                case 3, 4 -> in.skipNBytes(4); // Integer, Float
                case 5, 6 -> { // Long, Double take two slots
                    in.skipNBytes(8);
                    i++;
                }
                case 7, 8, 16, 19, 20 -> in.skipNBytes(2); // Class, String, MethodType, Module, Package
                case 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4); // refs, NameAndType, Dynamic, InvokeDynamic
                case 15 -> in.skipNBytes(3); // MethodHandle
                default -> throw new IOException("unknown constant pool tag " + tag + " at entry " + i);
            }
        }
        return texts;
    }
}
