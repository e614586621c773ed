package org.pagila.store.cluster;

import jakarta.interceptor.InterceptorBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A read that failed because its pooled connection died (a standby restarted or was stopped) runs once more, on a
 * new connection. This replaces validating every connection as it is borrowed (a round trip per query): the pool
 * evicts a connection that threw a fatal error (Agroal's PostgreSQL exception sorter), validates connections idle for
 * a while (foreground-validation-interval) and ClusterState flushes the pool when a node goes down; what slips
 * through those, a connection that died since its last use, costs one retry instead of a customer's error page.
 */
@InterceptorBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface RetryLostReadConnection {
}
