package dev.peregrine.files;

import dev.peregrine.files.DirectoryListing.Entry;
import java.util.Comparator;
import java.util.Locale;

/**
 * How a listing is sorted, from {@code ?sort=name|size|modified&order=asc|desc}. Folders always
 * come first; ties fall back to the name, so the order is total and the page stable. Unknown
 * or missing values mean the default, name ascending: a link is never an error.
 */
record ListingOrder(Key key, boolean descending) {

    /** The sortable columns, by their query value. */
    enum Key {
        NAME, SIZE, MODIFIED;

        String query() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The order a first click on this column asks for: A to Z, but biggest and newest first. */
        boolean startsDescending() {
            return this != NAME;
        }
    }

    static final ListingOrder DEFAULT = new ListingOrder(Key.NAME, false);

    private static final Comparator<Entry> BY_NAME = Comparator.comparing(Entry::name, String.CASE_INSENSITIVE_ORDER)
            .thenComparing(Entry::name);

    static ListingOrder parse(String sort, String order) {
        Key key = switch (sort == null ? "" : sort) {
            case "size" -> Key.SIZE;
            case "modified" -> Key.MODIFIED;
            default -> Key.NAME;
        };
        boolean descending = "desc".equals(order);
        return new ListingOrder(key, descending);
    }

    boolean isDefault() {
        return equals(DEFAULT);
    }

    /** The query string (without {@code ?}) that asks for this order. */
    String query() {
        return "sort=" + key.query() + "&order=" + (descending ? "desc" : "asc");
    }

    /** The order a click on {@code column}'s heading asks for: the other direction when it is the current column. */
    ListingOrder toggled(Key column) {
        return column == key ? new ListingOrder(key, !descending) : new ListingOrder(column, column.startsDescending());
    }

    /**
     * Folders first, then by the key. Folders have no size, so under {@code size} they keep
     * their A-to-Z order whichever way the files go.
     */
    Comparator<Entry> comparator() {
        Comparator<Entry> files = switch (key) {
            case NAME -> BY_NAME;
            case SIZE -> Comparator.comparingLong(Entry::size).thenComparing(BY_NAME);
            case MODIFIED -> Comparator.comparing(Entry::modified).thenComparing(BY_NAME);
        };
        if (descending) {
            files = files.reversed();
        }
        Comparator<Entry> folders = key == Key.SIZE ? BY_NAME : files;
        Comparator<Entry> within = files;
        return (a, b) -> {
            if (a.directory() != b.directory()) {
                return a.directory() ? -1 : 1;
            }
            return (a.directory() ? folders : within).compare(a, b);
        };
    }
}
