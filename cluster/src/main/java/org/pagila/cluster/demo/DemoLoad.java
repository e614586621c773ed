package org.pagila.cluster.demo;

import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The demo's own light load: a few customers browsing the catalog (pages and JSON) and one counter renting a film
 * and taking it back, through the staff API. Every request is recorded with its time, node and outcome.
 */
final class DemoLoad implements AutoCloseable {

    enum Kind { READ, RENTAL }

    enum Outcome {
        OK, DECLINED, PAUSED, ERROR;

        static Outcome of(int status) {
            if (status >= 200 && status < 400) {
                return OK;
            }
            if (status == 503) {
                return PAUSED;
            }
            return status >= 400 && status < 500 ? DECLINED : ERROR;
        }
    }

    /** @param at milliseconds since the demo started */
    record Request(long at, Kind kind, String node, Outcome outcome, int status) {
    }

    /** Pages that exist: list pages 1 to 3, films 1 to 1000. */
    private static final List<String> LISTS = List.of("/films?page=%d", "/api/films?page=%d", "/categories/Action?page=%d",
            "/search?q=dinosaur&page=%d");
    private static final List<String> FILMS = List.of("/films/%d", "/api/films/%d");

    private final StoreClient store;
    private final long start;
    private final int browsers;
    private final ConcurrentLinkedQueue<Request> requests = new ConcurrentLinkedQueue<>();
    private final ExecutorService threads;
    private volatile boolean running = true;

    DemoLoad(StoreClient store, long start, int browsers) {
        this.store = store;
        this.start = start;
        this.browsers = browsers;
        this.threads = Executors.newFixedThreadPool(browsers + 1, r -> {
            Thread thread = new Thread(r, "demo-load");
            thread.setDaemon(true);
            return thread;
        });
    }

    void begin() {
        for (int i = 0; i < browsers; i++) {
            long seed = i;
            threads.execute(() -> browse(new Random(seed)));
        }
        threads.execute(() -> rent(new Random(42)));
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    private void browse(Random random) {
        while (running) {
            String page = random.nextBoolean() ? String.format(LISTS.get(random.nextInt(LISTS.size())), 1 + random.nextInt(3))
                    : String.format(FILMS.get(random.nextInt(FILMS.size())), 1 + random.nextInt(1000));
            StoreClient.Answer answer = store.get(page);
            record(Kind.READ, answer);
            pause(120);
        }
    }

    /** Rent any copy of a film in stock at Mike's store for a customer, then return it at once, two or three a second. */
    private void rent(Random random) {
        while (running) {
            int customer = 1 + random.nextInt(599);
            int film = 1 + random.nextInt(1000);
            StoreClient.Answer rented = store.staffPost("/api/rentals", "{\"customerId\": " + customer + ", \"filmId\": " + film + "}");
            record(Kind.RENTAL, rented);
            if (rented.status() == 201 && rented.body() != null) {
                String id = rented.body().path("rentalId").asText();
                record(Kind.RENTAL, store.staffPost("/api/rentals/" + id + "/return", "{}"));
            }
            pause(300);
        }
    }

    private void record(Kind kind, StoreClient.Answer answer) {
        String node = answer.servedBy() == null ? "-" : answer.servedBy().split(",")[0].strip();
        requests.add(new Request(System.currentTimeMillis() - start, kind, node, Outcome.of(answer.status()), answer.status()));
    }

    private void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        threads.shutdown();
        try {
            threads.awaitTermination(StoreClient.TIMEOUT.toSeconds() + 2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        threads.shutdownNow();
    }
}
