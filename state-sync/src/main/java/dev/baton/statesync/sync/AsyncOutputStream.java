package dev.baton.statesync.sync;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Hands writes to a thread of its own, in chunks through a bounded queue, so that reading the
 * source's stream and writing the target's overlap instead of taking turns (each side waits on its
 * own SSH window and socket). The writer's failure is raised by the next write or by close.
 */
final class AsyncOutputStream extends OutputStream {
    private static final byte[] END = new byte[0];
    private static final int CHUNK = 64 * 1024;

    private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(32);
    private final Thread thread;
    private volatile IOException failure;
    private byte[] chunk = new byte[CHUNK];
    private int used;

    /** @param written called after each chunk went into {@code out} (progress, for a stall watchdog) */
    AsyncOutputStream(OutputStream out, String name, Runnable written) {
        thread = new Thread(() -> {
            try (out) {
                for (byte[] b = queue.take(); b != END; b = queue.take()) {
                    out.write(b);
                    written.run();
                }
            } catch (IOException e) {
                failure = e;
                queue.clear(); // unblock the producer; it sees the failure on its next write
            } catch (InterruptedException e) {
                failure = new InterruptedIOException("writer interrupted");
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = Math.min(len, CHUNK - used);
            System.arraycopy(b, off, chunk, used, n);
            used += n;
            off += n;
            len -= n;
            if (used == CHUNK) {
                hand(chunk);
                chunk = new byte[CHUNK];
                used = 0;
            }
        }
    }

    private void hand(byte[] b) throws IOException {
        check();
        try {
            while (!queue.offer(b, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                check();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing");
        }
    }

    private void check() throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (!thread.isAlive()) {
            throw new IOException("the writer thread ended");
        }
    }

    /** Writes what is buffered, closes the underlying stream and waits until all of it went out. */
    @Override
    public void close() throws IOException {
        if (used > 0) {
            byte[] last = new byte[used];
            System.arraycopy(chunk, 0, last, 0, used);
            used = 0;
            hand(last);
        }
        if (thread.isAlive()) {
            hand(END);
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while closing");
        }
        if (failure != null) {
            throw failure;
        }
    }
}
