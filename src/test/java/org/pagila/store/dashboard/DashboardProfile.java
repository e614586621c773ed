package org.pagila.store.dashboard;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;
import java.util.Optional;

/**
 * A cluster of its own for the tests that crash and promote nodes (page, demo controls, demo command), with the demo
 * controls on, a short poll interval, and the strict Content-Security-Policy the page must work under.
 */
public class DashboardProfile implements QuarkusTestProfile {
    static final String HOSTS = Optional.ofNullable(System.getenv("PAGILA_TEST_DASHBOARD_HOSTS"))
            .orElse("127.0.0.1:21432,127.0.0.1:21433,127.0.0.1:21434,127.0.0.1:21435");

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "pagila.cluster.name", "dashboard-" + HOSTS.replaceAll("^.*?:(\\d+),.*$", "$1"),
                "pagila.cluster.hosts", HOSTS,
                "pagila.cluster.recreate", "true",
                "pagila.cluster.poll-interval", "250ms",
                "pagila.cluster.max-read-lag", "3s",
                "pagila.demo.controls", "true",
                "quarkus.http.header.\"Content-Security-Policy\".value",
                "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
    }
}
