package dev.peregrine.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * An ordered, case-insensitive multimap of header fields (RFC 9110 §5).
 *
 * <p>Fields are kept in arrival order in two flat arrays: header lists are short (a dozen
 * fields), so a linear scan with {@link String#equalsIgnoreCase} beats hashing and allocates
 * nothing. Names keep the case they were given; comparisons ignore it.
 *
 * <p>Not thread-safe: a request's or response's headers belong to the thread handling it.
 */
public final class Headers implements Iterable<Headers.Field> {

    /** One header field line. */
    public record Field(String name, String value) {}

    private String[] names;
    private String[] values;
    private int size;

    public Headers() {
        this(16);
    }

    public Headers(int capacity) {
        names = new String[Math.max(capacity, 1)];
        values = new String[names.length];
    }

    /** Builds headers from alternating names and values: {@code Headers.of("a", "1", "b", "2")}. */
    public static Headers of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must come in pairs");
        }
        Headers h = new Headers(Math.max(namesAndValues.length / 2, 1));
        for (int i = 0; i < namesAndValues.length; i += 2) {
            h.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return h;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public String name(int index) {
        Objects.checkIndex(index, size);
        return names[index];
    }

    public String value(int index) {
        Objects.checkIndex(index, size);
        return values[index];
    }

    /** Appends a field, keeping any existing fields of the same name. */
    public Headers add(String name, String value) {
        if (size == names.length) {
            int grown = size * 2;
            names = Arrays.copyOf(names, grown);
            values = Arrays.copyOf(values, grown);
        }
        names[size] = Objects.requireNonNull(name, "name");
        values[size] = Objects.requireNonNull(value, "value");
        size++;
        return this;
    }

    /** Replaces every field of this name with one field. */
    public Headers set(String name, String value) {
        int i = indexOf(name);
        if (i < 0) {
            return add(name, value);
        }
        values[i] = Objects.requireNonNull(value, "value");
        removeFrom(name, i + 1);
        return this;
    }

    /** The first value of the field, or {@code null}. */
    public String get(String name) {
        int i = indexOf(name);
        return i < 0 ? null : values[i];
    }

    /** Every value of the field in order; an empty, immutable list when absent. */
    public List<String> getAll(String name) {
        List<String> all = null; // most lookups find nothing: allocate only for a hit
        for (int i = 0; i < size; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                if (all == null) {
                    all = new ArrayList<>(2);
                }
                all.add(values[i]);
            }
        }
        return all == null ? List.of() : all;
    }

    /** How many fields carry this name. */
    public int count(String name) {
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                n++;
            }
        }
        return n;
    }

    public boolean contains(String name) {
        return indexOf(name) >= 0;
    }

    /**
     * Whether the field, read as a comma-separated list (RFC 9110 §5.6.1), has an element equal
     * to {@code token} ignoring case — e.g. {@code containsToken("connection", "close")}.
     */
    public boolean containsToken(String name, String token) {
        for (int i = 0; i < size; i++) {
            if (names[i].equalsIgnoreCase(name) && listContains(values[i], token)) {
                return true;
            }
        }
        return false;
    }

    static boolean listContains(String list, String token) {
        int n = list.length();
        int start = 0;
        while (start <= n) {
            int comma = list.indexOf(',', start);
            int end = comma < 0 ? n : comma;
            int s = start;
            int e = end;
            while (s < e && isOws(list.charAt(s))) {
                s++;
            }
            while (e > s && isOws(list.charAt(e - 1))) {
                e--;
            }
            if (e - s == token.length() && list.regionMatches(true, s, token, 0, token.length())) {
                return true;
            }
            if (comma < 0) {
                break;
            }
            start = comma + 1;
        }
        return false;
    }

    private static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }

    /** Removes every field of this name; returns whether any was there. */
    public boolean remove(String name) {
        int before = size;
        removeFrom(name, 0);
        return size != before;
    }

    public void clear() {
        Arrays.fill(names, 0, size, null);
        Arrays.fill(values, 0, size, null);
        size = 0;
    }

    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < size; i++) {
            action.accept(names[i], values[i]);
        }
    }

    @Override
    public Iterator<Field> iterator() {
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < size;
            }

            @Override
            public Field next() {
                if (next >= size) {
                    throw new NoSuchElementException();
                }
                Field f = new Field(names[next], values[next]);
                next++;
                return f;
            }
        };
    }

    private int indexOf(String name) {
        for (int i = 0; i < size; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    private void removeFrom(String name, int from) {
        int w = from;
        for (int r = from; r < size; r++) {
            if (!names[r].equalsIgnoreCase(name)) {
                names[w] = names[r];
                values[w] = values[r];
                w++;
            }
        }
        Arrays.fill(names, w, size, null);
        Arrays.fill(values, w, size, null);
        size = w;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < size; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(names[i]).append(": ").append(values[i]);
        }
        return sb.append('}').toString();
    }
}
