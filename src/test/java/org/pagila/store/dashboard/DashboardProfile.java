package org.pagila.store.dashboard;

import java.util.Map;
import org.pagila.store.cluster.OwnClusterProfile;

/**
 * A cluster of its own for the tests that crash and promote nodes (page, demo controls, demo command), with the demo
 * controls on, a short poll interval, and the strict Content-Security-Policy the page must work under.
 */
public class DashboardProfile extends OwnClusterProfile {
    public DashboardProfile() {
        super("dashboard", "PAGILA_TEST_DASHBOARD_HOSTS", 21432);
    }

    @Override
    protected Map<String, String> extraOverrides() {
        return Map.of(
                "pagila.cluster.poll-interval", "250ms",
                "pagila.cluster.max-read-lag", "3s",
                "pagila.demo.controls", "true",
                "quarkus.http.header.\"Content-Security-Policy\".value",
                "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
    }
}
