package org.pagila.store.firststart;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Copies everything the store prints to System.out and System.err (progress, status table, raw stack traces) into a file
 * from before the store starts, so the test can read its first start as the user saw it. A file, not a field: the
 * test runs in the application's class loader, this resource does not.
 */
public class StartTranscript implements QuarkusTestResourceLifecycleManager {
    static final Path FILE = Path.of("target", "first-start-transcript.log");
    /** The store's log of the same start (quarkus.log.file, set by the profile). */
    static final Path LOG = Path.of("target", "first-start-quarkus.log");

    private PrintStream originalOut;
    private PrintStream originalErr;
    private OutputStream file;

    @Override
    public Map<String, String> start() {
        try {
            Files.createDirectories(FILE.getParent());
            Files.deleteIfExists(LOG);
            file = new FileOutputStream(FILE.toFile(), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(new Tee(originalOut, file), true));
        System.setErr(new PrintStream(new Tee(originalErr, file), true));
        return Map.of();
    }

    @Override
    public void stop() {
        System.setOut(originalOut);
        System.setErr(originalErr);
        try {
            file.close();
        } catch (IOException e) {
            // the transcript was read already
        }
    }

    private static final class Tee extends OutputStream {
        private final OutputStream console;
        private final OutputStream copy;

        Tee(OutputStream console, OutputStream copy) {
            this.console = console;
            this.copy = copy;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            console.write(b);
            copy.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            console.write(b, off, len);
            copy.write(b, off, len);
        }

        @Override
        public synchronized void flush() throws IOException {
            console.flush();
            copy.flush();
        }
    }
}
