package org.pagila.store.web;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A resource whose successful GET answers are the same for every visitor (the catalog), so browsers and shared
 * caches may keep them briefly and revalidate them by ETag: see {@link HttpCaching}. Never on staff resources.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface HttpCacheable {
}
