package org.pagila.store.counter;

import io.quarkus.qute.TemplateExtension;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Dates as the counter prints them, in the store's time zone: {t.counterDay}, {t.counterTime}. */
@TemplateExtension
class CounterFormats {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH);
    private static final DateTimeFormatter DAY_TIME = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm", Locale.ENGLISH);

    static String counterDay(OffsetDateTime time) {
        return time == null ? "" : DAY.format(time.atZoneSameInstant(ZoneId.systemDefault()));
    }

    static String counterTime(OffsetDateTime time) {
        return time == null ? "" : DAY_TIME.format(time.atZoneSameInstant(ZoneId.systemDefault()));
    }
}
