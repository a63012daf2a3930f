package io.boxoffice.booking.domain.catalog;

import io.boxoffice.booking.domain.BookingLimits;
import io.boxoffice.booking.domain.Moneys;
import io.boxoffice.booking.domain.RejectedException;
import io.boxoffice.proto.v1.Money;
import io.boxoffice.proto.v1.ScreenLayout;
import io.boxoffice.proto.v1.SeatCategory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A validated screen layout: rows lettered A.. from the front, seats numbered 1.. from the left, each
 * row in exactly one price category, some seats blocked. Immutable.
 */
public final class SeatLayout {

    private static final Pattern SEAT_ID = Pattern.compile("([A-Z])([1-9][0-9]{0,2})");
    private static final Pattern CATEGORY_NAME = Pattern.compile("[a-z0-9_-]{1,32}");
    private static final int CATEGORIES_MAX = 10;

    private final int rowCount;
    private final int seatsPerRow;
    private final String[] categoryOfRow;
    private final Map<String, Money> priceOfCategory;
    private final Set<String> blockedSeatIds;

    private SeatLayout(int rowCount, int seatsPerRow, String[] categoryOfRow, Map<String, Money> priceOfCategory,
            Set<String> blockedSeatIds) {
        this.rowCount = rowCount;
        this.seatsPerRow = seatsPerRow;
        this.categoryOfRow = categoryOfRow;
        this.priceOfCategory = Collections.unmodifiableMap(priceOfCategory);
        this.blockedSeatIds = Collections.unmodifiableSet(blockedSeatIds);
    }

    /**
     * Validates an admin's layout. Rejects with INVALID_ARGUMENT naming the field ("layout.categories[1].rows[0]").
     */
    public static SeatLayout validate(ScreenLayout layout, int seatsPerRowMax) {
        if (layout.getRowCount() < 1 || layout.getRowCount() > BookingLimits.ROWS_MAX) {
            throw RejectedException.invalidArgument("layout.row_count",
                    "row_count must be in 1.." + BookingLimits.ROWS_MAX + ", was " + layout.getRowCount());
        }
        if (layout.getSeatsPerRow() < 1 || layout.getSeatsPerRow() > seatsPerRowMax) {
            throw RejectedException.invalidArgument("layout.seats_per_row",
                    "seats_per_row must be in 1.." + seatsPerRowMax + ", was " + layout.getSeatsPerRow());
        }
        if (layout.getCategoriesCount() == 0 || layout.getCategoriesCount() > CATEGORIES_MAX) {
            throw RejectedException.invalidArgument("layout.categories",
                    "a layout needs 1.." + CATEGORIES_MAX + " seat categories, had " + layout.getCategoriesCount());
        }
        String[] categoryOfRow = new String[layout.getRowCount()];
        Map<String, Money> prices = new LinkedHashMap<>();
        String currency = layout.getCategories(0).getPrice().getCurrency();
        for (int index = 0; index < layout.getCategoriesCount(); index++) {
            SeatCategory category = layout.getCategories(index);
            String field = "layout.categories[" + index + "]";
            validateCategory(category, field, currency, prices);
            prices.put(category.getName(), category.getPrice());
            for (int rowIndex = 0; rowIndex < category.getRowsCount(); rowIndex++) {
                String rowField = field + ".rows[" + rowIndex + "]";
                int row = parseRow(category.getRows(rowIndex), layout.getRowCount(), rowField);
                if (categoryOfRow[row] != null) {
                    throw RejectedException.invalidArgument(rowField, "row " + rowLabel(row)
                            + " is in both categories '" + categoryOfRow[row] + "' and '" + category.getName() + "'");
                }
                categoryOfRow[row] = category.getName();
            }
        }
        for (int row = 0; row < categoryOfRow.length; row++) {
            if (categoryOfRow[row] == null) {
                throw RejectedException.invalidArgument("layout.categories",
                        "row " + rowLabel(row) + " belongs to no category; list it in one category's rows");
            }
        }
        Set<String> blocked = new HashSet<>();
        for (int index = 0; index < layout.getBlockedSeatIdsCount(); index++) {
            String seatId = layout.getBlockedSeatIds(index);
            String field = "layout.blocked_seat_ids[" + index + "]";
            requireSeatInRange(seatId, layout.getRowCount(), layout.getSeatsPerRow(), field);
            if (!blocked.add(seatId)) {
                throw RejectedException.invalidArgument(field, "seat " + seatId + " is listed twice");
            }
        }
        return new SeatLayout(layout.getRowCount(), layout.getSeatsPerRow(), categoryOfRow, prices, blocked);
    }

    /** Rebuilds a layout that was validated when it entered the state; a failure here is a bug. */
    public static SeatLayout ofTrusted(ScreenLayout layout) {
        try {
            return validate(layout, Integer.MAX_VALUE);
        } catch (RejectedException e) {
            throw new IllegalStateException("stored screen layout is invalid: " + e.getMessage(), e);
        }
    }

    private static void validateCategory(SeatCategory category, String field, String currency,
            Map<String, Money> prices) {
        if (!CATEGORY_NAME.matcher(category.getName()).matches()) {
            throw RejectedException.invalidArgument(field + ".name",
                    "category name must be 1..32 characters of [a-z0-9_-], was '" + category.getName() + "'");
        }
        if (prices.containsKey(category.getName())) {
            throw RejectedException.invalidArgument(field + ".name",
                    "category '" + category.getName() + "' is defined twice");
        }
        Money price = category.getPrice();
        if (!Moneys.isValidCurrency(price.getCurrency())) {
            throw RejectedException.invalidArgument(field + ".price.currency",
                    "currency must be an ISO 4217 code like EUR, was '" + price.getCurrency() + "'");
        }
        if (!price.getCurrency().equals(currency)) {
            throw RejectedException.invalidArgument(field + ".price.currency",
                    "all categories must use one currency; expected " + currency + ", was " + price.getCurrency());
        }
        if (price.getAmountMinor() <= 0 || price.getAmountMinor() > 1_000_000_00L) {
            throw RejectedException.invalidArgument(field + ".price.amount_minor",
                    "price must be in 1..100000000 minor units, was " + price.getAmountMinor());
        }
        if (category.getRowsCount() == 0) {
            throw RejectedException.invalidArgument(field + ".rows",
                    "category '" + category.getName() + "' must list at least one row");
        }
    }

    private static int parseRow(String label, int rowCount, String field) {
        if (label.length() != 1 || label.charAt(0) < 'A' || label.charAt(0) >= 'A' + rowCount) {
            throw RejectedException.invalidArgument(field, "row must be a letter A.." + rowLabel(rowCount - 1)
                    + ", was '" + label + "'");
        }
        return label.charAt(0) - 'A';
    }

    private static void requireSeatInRange(String seatId, int rowCount, int seatsPerRow, String field) {
        Optional<int[]> position = parse(seatId);
        if (position.isEmpty()) {
            throw RejectedException.invalidArgument(field,
                    "seat id must be a row letter and a seat number like A5, was '" + seatId + "'");
        }
        int row = position.get()[0];
        int number = position.get()[1];
        if (row >= rowCount || number > seatsPerRow) {
            throw RejectedException.invalidArgument(field, "seat " + seatId + " does not exist: rows are A.."
                    + rowLabel(rowCount - 1) + " and seats 1.." + seatsPerRow);
        }
    }

    /** Parses "A5" into {row index 0, seat number 5}; empty when malformed. */
    public static Optional<int[]> parse(String seatId) {
        Matcher matcher = SEAT_ID.matcher(seatId);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        return Optional.of(new int[] {matcher.group(1).charAt(0) - 'A', Integer.parseInt(matcher.group(2))});
    }

    public static String rowLabel(int row) {
        return String.valueOf((char) ('A' + row));
    }

    public static String seatId(int row, int number) {
        return rowLabel(row) + number;
    }

    /** Rejects with INVALID_ARGUMENT on {@code field} unless the seat id is well-formed and on this screen. */
    public void requireSeat(String seatId, String field) {
        requireSeatInRange(seatId, rowCount, seatsPerRow, field);
    }

    public int rowCount() {
        return rowCount;
    }

    public int seatsPerRow() {
        return seatsPerRow;
    }

    public int seatCount() {
        return rowCount * seatsPerRow;
    }

    public String categoryOfRow(int row) {
        return categoryOfRow[row];
    }

    /** Category of an existing seat. */
    public String categoryOf(String seatId) {
        return categoryOfRow[parse(seatId).orElseThrow()[0]];
    }

    public Money priceOf(String seatId) {
        return priceOfCategory.get(categoryOf(seatId));
    }

    public Money priceOfCategory(String category) {
        return priceOfCategory.get(category);
    }

    public boolean hasCategory(String category) {
        return priceOfCategory.containsKey(category);
    }

    /** Category names in the order the admin declared them. */
    public List<String> categories() {
        return new ArrayList<>(priceOfCategory.keySet());
    }

    public String currency() {
        return priceOfCategory.values().iterator().next().getCurrency();
    }

    public boolean isBlocked(String seatId) {
        return blockedSeatIds.contains(seatId);
    }

    /** Seat ids front row first, left to right. */
    public List<String> allSeatIds() {
        List<String> seatIds = new ArrayList<>(seatCount());
        for (int row = 0; row < rowCount; row++) {
            for (int number = 1; number <= seatsPerRow; number++) {
                seatIds.add(seatId(row, number));
            }
        }
        return seatIds;
    }
}
