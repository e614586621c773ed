package org.pagila.store.counter;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.util.UUID;

/** A fresh key for each staff form as it renders ({inject:oneTimeKey.next}): pressing its button twice writes once. */
@ApplicationScoped
@Named("oneTimeKey")
public class OneTimeKey {
    public String getNext() {
        return UUID.randomUUID().toString();
    }
}
