package org.pagila.store.web;

import org.eclipse.microprofile.config.ConfigProvider;

/** /q/* lives on the management interface (its own port, localhost): the address of a path there in tests. */
public final class Management {
    private Management() {
    }

    public static String url(String path) {
        int port = ConfigProvider.getConfig().getOptionalValue("quarkus.management.test-port", Integer.class).orElse(9001);
        return "http://127.0.0.1:" + port + path;
    }
}
