package org.pagila.store.web;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The store with the real "tls" profile on top of the test profile, and a classroom certificate made by the README's
 * openssl command (into target/test-tls), and the page cache on. HTTPS on PAGILA_TEST_TLS_PORT, else PAGILA_TEST_PORT_BLOCK + 943, else 25443.
 */
public class TlsProfile implements QuarkusTestProfile {
    static final Path DIR = Path.of("target", "test-tls").toAbsolutePath();

    static int httpsPort() {
        return Optional.ofNullable(System.getenv("PAGILA_TEST_TLS_PORT")).filter(v -> !v.isBlank()).map(Integer::parseInt)
                .orElseGet(() -> TestPorts.port(943, 25443));
    }

    @Override
    public String getConfigProfile() {
        return "test,tls";
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        makeCertificate();
        // the page cache as shipped (the test profile turns it off): its background refresh asks the store over HTTPS
        return Map.of("pagila.catalog.page-cache", "1s", "quarkus.http.test-ssl-port", String.valueOf(httpsPort()),
                "pagila.tls.certificate", DIR.resolve("store.crt").toString(),
                "pagila.tls.key", DIR.resolve("store.key").toString());
    }

    /** The README's command for the classroom certificate (a missing openssl fails the start, so also under CI). */
    static void makeCertificate() {
        if (Files.exists(DIR.resolve("store.crt")) && Files.exists(DIR.resolve("store.key"))) {
            return;
        }
        try {
            Files.createDirectories(DIR);
            Process openssl = new ProcessBuilder(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "365",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", DIR.resolve("store.key").toString(), "-out", DIR.resolve("store.crt").toString()))
                    .redirectErrorStream(true).start();
            String output = new String(openssl.getInputStream().readAllBytes());
            if (openssl.waitFor() != 0) {
                throw new IllegalStateException("openssl could not make the classroom certificate: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("openssl is needed for the TLS test (Debian package openssl)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
