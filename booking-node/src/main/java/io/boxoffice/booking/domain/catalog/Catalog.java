package io.boxoffice.booking.domain.catalog;

import io.boxoffice.booking.domain.Counters;
import io.boxoffice.booking.domain.store.Keys;
import io.boxoffice.booking.domain.store.StateStore;
import io.boxoffice.proto.replicated.v1.MovieRecord;
import io.boxoffice.proto.replicated.v1.ScreenRecord;
import io.boxoffice.proto.replicated.v1.ShowRecord;
import io.boxoffice.proto.replicated.v1.ShowState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Movies, screens and shows. Movies and screens are few and all kept in memory (with each screen's
 * parsed layout); shows accumulate with history, so they live in the state store with a bounded cache of
 * recently used ones, and indexes by start time, screen and movie.
 */
public final class Catalog {

    private final StateStore store;
    private final Counters counters;
    private final TreeMap<String, MovieRecord> movies = new TreeMap<>();
    private final TreeMap<String, ScreenRecord> screens = new TreeMap<>();
    private final HashMap<String, SeatLayout> layouts = new HashMap<>();
    private final LinkedHashMap<String, ShowRecord> showCache;

    public Catalog(StateStore store, Counters counters, int cachedShowsMax) {
        this.store = store;
        this.counters = counters;
        this.showCache = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ShowRecord> eldest) {
                return size() > cachedShowsMax;
            }
        };
    }

    /** Reads movies and screens into memory (the catalogue's small part). */
    public void load() {
        movies.clear();
        screens.clear();
        layouts.clear();
        showCache.clear();
        store.scan(new byte[] {Keys.MOVIE}, (key, value) -> {
            MovieRecord movie = parse(MovieRecord.parser(), value);
            movies.put(movie.getId(), movie);
            return true;
        });
        store.scan(new byte[] {Keys.SCREEN}, (key, value) -> {
            ScreenRecord screen = parse(ScreenRecord.parser(), value);
            screens.put(screen.getId(), screen);
            return true;
        });
    }

    // ---------------------------------------------------------------- movies

    public Optional<MovieRecord> movie(String id) {
        return Optional.ofNullable(movies.get(id));
    }

    public List<MovieRecord> movies() {
        return List.copyOf(movies.values());
    }

    public void putMovie(MovieRecord movie) {
        if (movies.put(movie.getId(), movie) == null) {
            counters.add("movies", 1);
        }
        store.put(Keys.id(Keys.MOVIE, movie.getId()), movie);
    }

    // ---------------------------------------------------------------- screens

    public Optional<ScreenRecord> screen(String id) {
        return Optional.ofNullable(screens.get(id));
    }

    public List<ScreenRecord> screens() {
        return List.copyOf(screens.values());
    }

    public SeatLayout layout(String screenId) {
        return layouts.computeIfAbsent(screenId, id -> SeatLayout.ofTrusted(screens.get(id).getLayout()));
    }

    public void putScreen(ScreenRecord screen) {
        if (screens.put(screen.getId(), screen) == null) {
            counters.add("screens", 1);
        }
        layouts.remove(screen.getId());
        store.put(Keys.id(Keys.SCREEN, screen.getId()), screen);
    }

    // ---------------------------------------------------------------- shows

    public Optional<ShowRecord> show(String id) {
        ShowRecord cached = showCache.get(id);
        if (cached != null) {
            return Optional.of(cached);
        }
        ShowRecord stored = store.get(Keys.id(Keys.SHOW, id), ShowRecord.parser());
        if (stored != null) {
            showCache.put(id, stored);
        }
        return Optional.ofNullable(stored);
    }

    /** When the show ends: start plus its movie's running time. */
    public long endsAtMillis(ShowRecord show) {
        return show.getStartsAtMillis() + movies.get(show.getMovieId()).getDurationMinutes() * 60_000L;
    }

    /** Stores a new or changed show with its indexes ({@code previous} is the stored version, or null). */
    public void putShow(ShowRecord show, ShowRecord previous) {
        byte[] id = show.getId().getBytes(StandardCharsets.UTF_8);
        if (previous == null) {
            counters.add("shows", 1);
            store.put(Keys.of(Keys.SHOW_BY_SCREEN).text(show.getScreenId()).text(show.getId()).build(), id);
            store.put(Keys.of(Keys.SHOW_BY_MOVIE).text(show.getMovieId()).text(show.getId()).build(), id);
        } else if (previous.getStartsAtMillis() != show.getStartsAtMillis()) {
            store.delete(startKey(previous));
        }
        store.put(startKey(show), id);
        store.put(Keys.id(Keys.SHOW, show.getId()), show);
        showCache.put(show.getId(), show);
    }

    private static byte[] startKey(ShowRecord show) {
        return Keys.of(Keys.SHOW_BY_START).number(show.getStartsAtMillis()).text(show.getId()).build();
    }

    /** Scheduled shows of a screen (for overlap checks). */
    public List<ShowRecord> scheduledShowsOfScreen(String screenId) {
        return scheduled(Keys.of(Keys.SHOW_BY_SCREEN).text(screenId).build());
    }

    /** Scheduled shows of a movie (its running time decides when they end). */
    public List<ShowRecord> scheduledShowsOfMovie(String movieId) {
        return scheduled(Keys.of(Keys.SHOW_BY_MOVIE).text(movieId).build());
    }

    /** Whether any show, scheduled or cancelled, uses the screen. */
    public boolean screenHasShows(String screenId) {
        boolean[] found = {false};
        store.scan(Keys.of(Keys.SHOW_BY_SCREEN).text(screenId).build(), (key, value) -> {
            found[0] = true;
            return false;
        });
        return found[0];
    }

    private List<ShowRecord> scheduled(byte[] prefix) {
        List<String> ids = new ArrayList<>();
        store.scan(prefix, (key, value) -> {
            ids.add(new String(value, StandardCharsets.UTF_8));
            return true;
        });
        List<ShowRecord> shows = new ArrayList<>();
        for (String showId : ids) {
            ShowRecord show = show(showId).orElseThrow(() -> new IllegalStateException("index names show "
                    + showId + " that does not exist"));
            if (show.getState() == ShowState.SHOW_STATE_SCHEDULED) {
                shows.add(show);
            }
        }
        return shows;
    }

    /**
     * Shows in start-time order (then id), cancelled ones included, optionally of one movie and starting at
     * or after a time; at most {@code max}.
     */
    public List<ShowRecord> shows(Optional<String> movieId, OptionalLong startsAfterMillis, int max) {
        List<ShowRecord> result = new ArrayList<>();
        byte[] prefix = {Keys.SHOW_BY_START};
        byte[] from = startsAfterMillis.isPresent()
                ? Keys.of(Keys.SHOW_BY_START).number(Math.max(0, startsAfterMillis.getAsLong())).build() : prefix;
        store.scan(prefix, from, (key, value) -> {
            ShowRecord show = show(new String(value, StandardCharsets.UTF_8)).orElseThrow();
            if (movieId.isEmpty() || movieId.get().equals(show.getMovieId())) {
                result.add(show);
            }
            return result.size() < max;
        });
        return result;
    }

    private static <T extends com.google.protobuf.MessageLite> T parse(com.google.protobuf.Parser<T> parser,
                                                                      byte[] value) {
        try {
            return parser.parseFrom(value);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new io.boxoffice.booking.domain.store.StateStoreException("corrupt catalogue record", e);
        }
    }
}
