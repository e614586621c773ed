package org.pagila.cluster;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Masks the cluster's passwords wherever text leaves the tooling (error messages, command output in errors).
 * The secrets file registers every password it hands out, so nothing has to remember to redact by hand.
 */
public final class Redaction {
    private static final String MASK = "********";
    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();

    private Redaction() {
    }

    public static void register(String secret) {
        // very short values would mask ordinary words; generated passwords are 24 characters
        if (secret != null && secret.length() >= 8) {
            SECRETS.add(secret);
        }
    }

    public static String apply(String text) {
        if (text == null) {
            return null;
        }
        String result = text;
        for (String secret : SECRETS) {
            result = result.replace(secret, MASK);
        }
        return result;
    }
}
