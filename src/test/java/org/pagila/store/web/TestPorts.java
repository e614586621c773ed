package org.pagila.store.web;

import java.util.Optional;

/**
 * PAGILA_TEST_PORT_BLOCK: every test that listens takes its ports (and names derived from them) from one block per
 * checkout, so two checkouts can test side by side. Unset, each test keeps its own default ports. Test ports stay
 * below 32768, where Linux hands out ephemeral client ports.
 */
public final class TestPorts {
    private TestPorts() {
    }

    /** The block when it is set. */
    public static Optional<Integer> block() {
        return Optional.ofNullable(System.getenv("PAGILA_TEST_PORT_BLOCK")).filter(v -> !v.isBlank()).map(String::strip).map(Integer::parseInt);
    }

    /** The block, or defaultBlock: for tests that add their own offsets to it. */
    public static int blockOr(int defaultBlock) {
        return block().orElse(defaultBlock);
    }

    /** block + offset when the block is set, else defaultPort. */
    public static int port(int offset, int defaultPort) {
        return block().map(b -> b + offset).orElse(defaultPort);
    }
}
