package dev.fleet.test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for an OpenTelemetry collector: accepts OTLP/HTTP trace exports (protobuf, optionally
 * gzip) on {@code /v1/traces} and keeps the spans, so a test can ask which services recorded spans
 * of one trace. Decodes only what that needs (service name, ids, name, kind, start); anything else
 * in the request is skipped. Not a collector: no logs, no metrics, no JSON encoding.
 */
public final class OtlpTraceReceiver implements AutoCloseable {

    private static final HexFormat HEX = HexFormat.of();
    private final HttpServer server;
    private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();

    private OtlpTraceReceiver(HttpServer server) {
        this.server = server;
    }

    /** Starts a receiver on a free port of {@code 127.0.0.1}. */
    public static OtlpTraceReceiver start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            OtlpTraceReceiver receiver = new OtlpTraceReceiver(server);
            server.createContext("/v1/traces", receiver::export);
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The URL to export to ({@code FLEET_OTLP_ENDPOINT}). */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces";
    }

    /** Every span received so far. */
    public List<ReceivedSpan> spans() {
        return List.copyOf(spans);
    }

    /** The spans received so far of trace {@code traceId}. */
    public List<ReceivedSpan> trace(String traceId) {
        return spans.stream().filter(span -> span.traceId().equals(traceId)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void export(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
                    body = in.readAllBytes();
                }
            }
            try {
                spans.addAll(decode(body));
            } catch (RuntimeException e) {
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1); // an empty ExportTraceServiceResponse
        }
    }

    /** The spans of an {@code ExportTraceServiceRequest}. */
    static List<ReceivedSpan> decode(byte[] request) {
        List<ReceivedSpan> decoded = new ArrayList<>();
        Proto export = new Proto(request);
        while (export.next()) {
            if (export.field == 1) { // resource_spans
                resourceSpans(export.bytes(), decoded);
            }
        }
        return decoded;
    }

    private static void resourceSpans(Proto resourceSpans, List<ReceivedSpan> decoded) {
        String service = "";
        List<Proto> scopes = new ArrayList<>();
        while (resourceSpans.next()) {
            switch (resourceSpans.field) {
                case 1 -> service = serviceName(resourceSpans.bytes());
                case 2 -> scopes.add(resourceSpans.bytes());
                default -> { }
            }
        }
        for (Proto scope : scopes) {
            while (scope.next()) {
                if (scope.field == 2) { // spans
                    decoded.add(span(service, scope.bytes()));
                }
            }
        }
    }

    private static String serviceName(Proto resource) {
        String service = "";
        while (resource.next()) {
            if (resource.field != 1) { // attributes only
                continue;
            }
            Proto attribute = resource.bytes();
            String key = null;
            String value = null;
            while (attribute.next()) {
                switch (attribute.field) {
                    case 1 -> key = attribute.string();
                    case 2 -> {
                        Proto any = attribute.bytes();
                        while (any.next()) {
                            if (any.field == 1) { // string_value
                                value = any.string();
                            }
                        }
                    }
                    default -> { }
                }
            }
            if ("service.name".equals(key) && value != null) {
                service = value;
            }
        }
        return service;
    }

    private static ReceivedSpan span(String service, Proto span) {
        String traceId = "";
        String spanId = "";
        String parent = "";
        String name = "";
        int kind = 0;
        long start = 0;
        while (span.next()) {
            switch (span.field) {
                case 1 -> traceId = HEX.formatHex(span.rawBytes());
                case 2 -> spanId = HEX.formatHex(span.rawBytes());
                case 4 -> parent = HEX.formatHex(span.rawBytes());
                case 5 -> name = span.string();
                case 6 -> kind = (int) span.varint;
                case 7 -> start = span.fixed64;
                default -> { }
            }
        }
        return new ReceivedSpan(service, traceId, spanId, parent, name, kind, start);
    }

    /** A cursor over one protobuf message's fields (wire types 0, 1, 2 and 5). */
    private static final class Proto {
        private final byte[] data;
        private int position;
        private final int end;
        int field;
        int wireType;
        long varint;
        long fixed64;
        private int lengthStart;
        private int length;

        Proto(byte[] data) {
            this(data, 0, data.length);
        }

        private Proto(byte[] data, int from, int to) {
            this.data = data;
            this.position = from;
            this.end = to;
        }

        /** Reads the next field's tag and value (a field nobody asks for is thereby skipped); false at the end. */
        boolean next() {
            if (position >= end) {
                return false;
            }
            long tag = readVarint();
            field = (int) (tag >>> 3);
            wireType = (int) (tag & 7);
            switch (wireType) {
                case 0 -> varint = readVarint();
                case 1 -> fixed64 = readLittleEndian(8);
                case 2 -> {
                    length = (int) readVarint();
                    lengthStart = position;
                    if (length < 0 || position + length > end) {
                        throw new IllegalArgumentException("truncated field " + field);
                    }
                    position += length;
                }
                case 5 -> readLittleEndian(4);
                default -> throw new IllegalArgumentException("unsupported wire type " + wireType);
            }
            return true;
        }

        /** The current length-delimited field as a message. */
        Proto bytes() {
            requireLengthDelimited();
            return new Proto(data, lengthStart, lengthStart + length);
        }

        byte[] rawBytes() {
            requireLengthDelimited();
            byte[] copy = new byte[length];
            System.arraycopy(data, lengthStart, copy, 0, length);
            return copy;
        }

        String string() {
            requireLengthDelimited();
            return new String(data, lengthStart, length, StandardCharsets.UTF_8);
        }

        private void requireLengthDelimited() {
            if (wireType != 2) {
                throw new IllegalArgumentException("field " + field + " is not length-delimited");
            }
        }

        private long readVarint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (position >= end) {
                    throw new IllegalArgumentException("truncated varint");
                }
                byte b = data[position++];
                value |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException("malformed varint");
        }

        private long readLittleEndian(int bytes) {
            if (position + bytes > end) {
                throw new IllegalArgumentException("truncated fixed field");
            }
            long value = 0;
            for (int i = 0; i < bytes; i++) {
                value |= (data[position++] & 0xffL) << (8 * i);
            }
            return value;
        }
    }
}
