package org.pagila.store.dashboard;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** A test that needs a program: skipped (saying why) on a developer's machine without it, failed under CI=true. */
final class Prerequisites {
    private Prerequisites() {
    }

    static void require(String why, Path... programs) {
        for (Path program : programs) {
            if (!Files.isExecutable(program)) {
                String message = program + " is missing (" + why + ")";
                if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                    fail(message + ": CI must have it");
                }
                Assumptions.assumeTrue(false, message + ": test skipped");
            }
        }
    }
}
