package org.pagila.store.catalog;

import jakarta.ws.rs.core.MultivaluedMap;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.pagila.store.web.UserError;

/**
 * The filters, sort and page of a film list, read from the query string (so every view can be bookmarked) and
 * checked: an unknown value is a 400 naming its parameter. Empty parameters mean "any", as a plain HTML form
 * sends them.
 */
public record FilmQuery(String category, String rating, String language, Integer minLength, Integer maxLength,
        BigDecimal minRate, BigDecimal maxRate, String feature, Sort sort, int page) {

    public static final List<String> RATINGS = List.of("G", "PG", "PG-13", "R", "NC-17");
    public static final List<String> FEATURES = List.of("Trailers", "Commentaries", "Deleted Scenes", "Behind the Scenes");

    /** Sort orders: popularity is most rented first, the others ascending. orderBy is HQL over Film f (p: FilmPopularity). */
    public enum Sort {
        TITLE("title", "Title", "f.title"),
        RENTAL_RATE("rate", "Price", "f.rentalRate, f.title"),
        LENGTH("length", "Length", "f.length, f.title"),
        POPULARITY("popularity", "Most rented", "coalesce(p.rentals, 0) DESC, f.title");

        private final String param;
        private final String label;
        final String orderBy;

        Sort(String param, String label, String orderBy) {
            this.param = param;
            this.label = label;
            this.orderBy = orderBy;
        }

        /** The value of the sort parameter. */
        public String param() {
            return param;
        }

        public String label() {
            return label;
        }
    }

    /** The names a filter may take, as the database spells them. */
    public record Vocabulary(List<String> categories, List<String> languages) {
    }

    public static FilmQuery from(MultivaluedMap<String, String> params, Vocabulary vocabulary) {
        Function<String, Optional<String>> param = name -> Optional.ofNullable(params.getFirst(name))
                .map(String::strip).filter(v -> !v.isEmpty());
        Integer minLength = param.apply("minLength").map(v -> wholeNumber("minLength", v)).orElse(null);
        Integer maxLength = param.apply("maxLength").map(v -> wholeNumber("maxLength", v)).orElse(null);
        BigDecimal minRate = param.apply("minRate").map(v -> price("minRate", v)).orElse(null);
        BigDecimal maxRate = param.apply("maxRate").map(v -> price("maxRate", v)).orElse(null);
        if (minLength != null && maxLength != null && minLength > maxLength) {
            throw UserError.badRequest("minLength (" + minLength + ") is more than maxLength (" + maxLength + ").");
        }
        if (minRate != null && maxRate != null && minRate.compareTo(maxRate) > 0) {
            throw UserError.badRequest("minRate (" + minRate + ") is more than maxRate (" + maxRate + ").");
        }
        return new FilmQuery(
                param.apply("category").map(v -> oneOf("category", v, vocabulary.categories())).orElse(null),
                param.apply("rating").map(v -> oneOf("rating", v, RATINGS)).orElse(null),
                param.apply("language").map(v -> oneOf("language", v, vocabulary.languages())).orElse(null),
                minLength, maxLength, minRate, maxRate,
                param.apply("feature").map(v -> oneOf("feature", v, FEATURES)).orElse(null),
                param.apply("sort").map(FilmQuery::sort).orElse(Sort.TITLE),
                param.apply("page").map(FilmQuery::page).orElse(1));
    }

    public FilmQuery inCategory(String name) {
        return new FilmQuery(name, rating, language, minLength, maxLength, minRate, maxRate, feature, sort, page);
    }

    public boolean filtered() {
        return category != null || rating != null || language != null || minLength != null || maxLength != null
                || minRate != null || maxRate != null || feature != null;
    }

    /** The query string of this view on another page: only what differs from the defaults. */
    public String queryString(int targetPage, boolean withCategory) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (withCategory) {
            values.put("category", category);
        }
        values.put("rating", rating);
        values.put("language", language);
        values.put("minLength", minLength);
        values.put("maxLength", maxLength);
        values.put("minRate", minRate == null ? null : minRate.toPlainString());
        values.put("maxRate", maxRate == null ? null : maxRate.toPlainString());
        values.put("feature", feature);
        values.put("sort", sort == Sort.TITLE ? null : sort.param);
        values.put("page", targetPage == 1 ? null : targetPage);
        StringBuilder query = new StringBuilder();
        values.forEach((name, value) -> {
            if (value != null) {
                query.append(query.length() == 0 ? "?" : "&").append(name).append('=')
                        .append(URLEncoder.encode(value.toString(), StandardCharsets.UTF_8));
            }
        });
        return query.toString();
    }

    private static String oneOf(String name, String value, List<String> allowed) {
        return allowed.stream().filter(a -> a.equalsIgnoreCase(value)).findFirst()
                .orElseThrow(() -> UserError.badRequest("Unknown " + name + " '" + UserError.abbreviate(value)
                        + "'. Choose one of: " + String.join(", ", allowed) + ".").withLink("/films", "Browse all films"));
    }

    private static int wholeNumber(String name, String value) {
        try {
            int number = Integer.parseInt(value);
            if (number >= 0 && number <= 10_000) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw UserError.badRequest(name + " is a length in minutes (0 to 10000), not '" + UserError.abbreviate(value) + "'.");
    }

    private static BigDecimal price(String name, String value) {
        try {
            BigDecimal price = new BigDecimal(value);
            if (price.signum() >= 0 && price.compareTo(BigDecimal.valueOf(1000)) <= 0) {
                return price;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw UserError.badRequest(name + " is a price in dollars such as 2.99, not '" + UserError.abbreviate(value) + "'.");
    }

    private static Sort sort(String value) {
        for (Sort sort : Sort.values()) {
            if (sort.param.equalsIgnoreCase(value)) {
                return sort;
            }
        }
        throw UserError.badRequest("Unknown sort '" + UserError.abbreviate(value) + "'. Choose one of: title, rate, length, popularity.");
    }

    /** Page numbers start at 1; a page past the end is answered with an empty page that links back. */
    public static int page(String value) {
        try {
            int page = Integer.parseInt(value.strip());
            if (page >= 1) {
                return page;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw UserError.badRequest("page is a page number from 1, not '" + UserError.abbreviate(value) + "'.");
    }
}
