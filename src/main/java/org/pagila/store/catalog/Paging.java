package org.pagila.store.catalog;

import io.quarkus.qute.TemplateData;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Where a page sits in a paged list, with its links. A page past the end is a valid, empty page whose links
 * lead back to the last one.
 */
@TemplateData
public record Paging(int page, int pageSize, long total, String self, String first, String prev, String next, String last,
        List<Link> numbers) {
    public static final int PAGE_SIZE = 24;

    /** One numbered link of the pager; gap marks an ellipsis. */
    @TemplateData
    public record Link(String label, String href, boolean current, boolean gap) {
    }

    public static Paging of(int page, long total, IntFunction<String> hrefOfPage) {
        int pages = pages(total);
        String prev = page > 1 ? hrefOfPage.apply(Math.min(page - 1, pages)) : null;
        String next = page < pages ? hrefOfPage.apply(page + 1) : null;
        List<Link> numbers = new ArrayList<>();
        int shownBefore = -1;
        for (int p = 1; p <= pages; p++) {
            boolean shown = p == 1 || p == pages || Math.abs(p - page) <= 2;
            if (!shown) {
                continue;
            }
            if (shownBefore > 0 && p - shownBefore > 1) {
                numbers.add(new Link("…", null, false, true));
            }
            numbers.add(new Link(String.valueOf(p), hrefOfPage.apply(p), p == page, false));
            shownBefore = p;
        }
        return new Paging(page, PAGE_SIZE, total, hrefOfPage.apply(page), hrefOfPage.apply(1), prev, next,
                hrefOfPage.apply(pages), numbers);
    }

    public static int pages(long total) {
        return (int) Math.max(1, (total + PAGE_SIZE - 1) / PAGE_SIZE);
    }

    public int pages() {
        return pages(total);
    }

    public boolean pastTheEnd() {
        return page > pages();
    }

    public int offset() {
        return (page - 1) * PAGE_SIZE;
    }

    /** "25–48 of 56" */
    public String range() {
        if (total == 0 || pastTheEnd()) {
            return "0 of " + total;
        }
        long from = (long) offset() + 1;
        return from + "–" + Math.min(total, from + PAGE_SIZE - 1) + " of " + total;
    }
}
