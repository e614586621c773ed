package org.pagila.store.web;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** A missing prerequisite skips a test on a developer's machine and fails it in CI. */
class PrerequisiteTest {

    @Test
    void aMissingPrerequisiteSkipsOutsideCiAndFailsInCi() {
        if (Prerequisite.isCi()) {
            assertThrows(AssertionFailedError.class, () -> Prerequisite.require(false, "something"));
        } else {
            assertThrows(TestAbortedException.class, () -> Prerequisite.require(false, "something"));
        }
        Prerequisite.require(true, "present");
    }
}
