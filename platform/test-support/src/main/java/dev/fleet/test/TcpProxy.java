package dev.fleet.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on a loopback port that a test can cut and restore, to take a dependency away from
 * the code under test and give it back without stopping the dependency itself. Every accepted
 * connection is forwarded to the target; {@link #cut()} closes the open connections and, until
 * {@link #restore()}, closes each new one at once. The listening port never changes.
 * <p>
 * Limits: plain TCP, one thread per direction of each connection (fine for a test's handful of
 * clients); a cut looks to clients like a refused connection, not like a silent network partition.
 */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile InetSocketAddress target;
    private volatile boolean cut;
    private final AtomicInteger accepted = new AtomicInteger();

    private TcpProxy(ServerSocket server) {
        this.server = server;
    }

    /** A proxy listening on a free loopback port; it forwards nothing until {@link #forwardTo}. */
    public static TcpProxy open() {
        try {
            ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            TcpProxy proxy = new TcpProxy(server);
            Thread acceptor = new Thread(proxy::accept, "tcp-proxy-" + server.getLocalPort());
            acceptor.setDaemon(true);
            acceptor.start();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a proxy port", e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code 127.0.0.1:port}, or what the loopback address is here. */
    public String address() {
        return server.getInetAddress().getHostAddress() + ":" + port();
    }

    public TcpProxy forwardTo(String host, int port) {
        this.target = new InetSocketAddress(host, port);
        return this;
    }

    /** Connections accepted so far (forwarded or refused): how often a client connected. */
    public int accepted() {
        return accepted.get();
    }

    /** Drops every open connection and refuses new ones until {@link #restore()}. */
    public void cut() {
        cut = true;
        open.forEach(TcpProxy::closeQuietly);
        open.clear();
    }

    public void restore() {
        cut = false;
    }

    @Override
    public void close() {
        cut();
        closeQuietly(server);
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
                accepted.incrementAndGet();
            } catch (IOException e) {
                return; // closed
            }
            InetSocketAddress to = target;
            if (cut || to == null) {
                closeQuietly(client);
                continue;
            }
            try {
                Socket upstream = new Socket();
                upstream.connect(to, 5_000);
                open.add(client);
                open.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side went away (or the proxy was cut): close both below
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "tcp-proxy-pump-" + port());
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
