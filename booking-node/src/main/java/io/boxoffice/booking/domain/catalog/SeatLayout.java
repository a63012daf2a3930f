package io.boxoffice.booking.domain.catalog;

import io.boxoffice.booking.domain.FieldLimits;
import io.boxoffice.booking.domain.Moneys;
import io.boxoffice.booking.domain.RejectedException;
import io.boxoffice.proto.replicated.v1.LayoutRecord;
import io.boxoffice.proto.replicated.v1.MoneyRecord;
import io.boxoffice.proto.replicated.v1.SeatCategoryRecord;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A validated screen layout: rows lettered A.. from the front, seats numbered 1.. from the left, each
 * row in exactly one price category, some seats blocked. Seats also have an index, {@code row *
 * seatsPerRow + number - 1}, which is how occupancy is kept. Immutable.
 */
public final class SeatLayout {

    private final int rowCount;
    private final int seatsPerRow;
    private final String[] categoryOfRow;
    private final Map<String, MoneyRecord> priceOfCategory;
    private final BitSet blocked;

    private SeatLayout(int rowCount, int seatsPerRow, String[] categoryOfRow, Map<String, MoneyRecord> priceOfCategory,
            BitSet blocked) {
        this.rowCount = rowCount;
        this.seatsPerRow = seatsPerRow;
        this.categoryOfRow = categoryOfRow;
        this.priceOfCategory = Collections.unmodifiableMap(priceOfCategory);
        this.blocked = blocked;
    }

    /** Validates an admin's layout. Rejects with INVALID_ARGUMENT naming the field ("layout.categories[1].rows[0]"). */
    public static SeatLayout validate(LayoutRecord layout, int seatsPerRowMax) {
        if (layout.getRowCount() < 1 || layout.getRowCount() > FieldLimits.ROWS_MAX) {
            throw RejectedException.invalidArgument("layout.row_count",
                    "row_count must be in 1.." + FieldLimits.ROWS_MAX + ", was " + layout.getRowCount());
        }
        if (layout.getSeatsPerRow() < 1 || layout.getSeatsPerRow() > seatsPerRowMax) {
            throw RejectedException.invalidArgument("layout.seats_per_row",
                    "seats_per_row must be in 1.." + seatsPerRowMax + ", was " + layout.getSeatsPerRow());
        }
        if (layout.getCategoriesCount() == 0 || layout.getCategoriesCount() > FieldLimits.CATEGORIES_MAX) {
            throw RejectedException.invalidArgument("layout.categories", "a layout needs 1.."
                    + FieldLimits.CATEGORIES_MAX + " seat categories, had " + layout.getCategoriesCount());
        }
        String[] categoryOfRow = new String[layout.getRowCount()];
        Map<String, MoneyRecord> prices = new LinkedHashMap<>();
        String currency = layout.getCategories(0).getPrice().getCurrency();
        for (int index = 0; index < layout.getCategoriesCount(); index++) {
            SeatCategoryRecord category = layout.getCategories(index);
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
        BitSet blocked = new BitSet(layout.getRowCount() * layout.getSeatsPerRow());
        for (int index = 0; index < layout.getBlockedSeatIdsCount(); index++) {
            String seatId = layout.getBlockedSeatIds(index);
            String field = "layout.blocked_seat_ids[" + index + "]";
            int seat = seatIndexIn(seatId, layout.getRowCount(), layout.getSeatsPerRow(), field);
            if (blocked.get(seat)) {
                throw RejectedException.invalidArgument(field, "seat " + seatId + " is listed twice");
            }
            blocked.set(seat);
        }
        return new SeatLayout(layout.getRowCount(), layout.getSeatsPerRow(), categoryOfRow, prices, blocked);
    }

    /** Rebuilds a layout that was validated when it entered the state; a failure here is a bug. */
    public static SeatLayout ofTrusted(LayoutRecord layout) {
        try {
            return validate(layout, Integer.MAX_VALUE);
        } catch (RejectedException e) {
            throw new IllegalStateException("stored screen layout is invalid: " + e.getMessage(), e);
        }
    }

    private static void validateCategory(SeatCategoryRecord category, String field, String currency,
            Map<String, MoneyRecord> prices) {
        if (!FieldLimits.CATEGORY.matcher(category.getName()).matches()) {
            throw RejectedException.invalidArgument(field + ".name", "category name must be 1..32 characters of"
                    + " [a-z0-9_-], was '" + FieldLimits.echo(category.getName()) + "'");
        }
        if (prices.containsKey(category.getName())) {
            throw RejectedException.invalidArgument(field + ".name",
                    "category '" + category.getName() + "' is defined twice");
        }
        MoneyRecord price = category.getPrice();
        if (!Moneys.isValidCurrency(price.getCurrency())) {
            throw RejectedException.invalidArgument(field + ".price.currency", "currency must be an ISO 4217 code"
                    + " like EUR, was '" + FieldLimits.echo(price.getCurrency()) + "'");
        }
        if (!price.getCurrency().equals(currency)) {
            throw RejectedException.invalidArgument(field + ".price.currency",
                    "all categories must use one currency; expected " + currency + ", was " + price.getCurrency());
        }
        if (price.getAmountMinor() <= 0 || price.getAmountMinor() > FieldLimits.PRICE_MINOR_MAX) {
            throw RejectedException.invalidArgument(field + ".price.amount_minor", "price must be in 1.."
                    + FieldLimits.PRICE_MINOR_MAX + " minor units, was " + price.getAmountMinor());
        }
        if (category.getRowsCount() == 0) {
            throw RejectedException.invalidArgument(field + ".rows",
                    "category '" + category.getName() + "' must list at least one row");
        }
    }

    private static int parseRow(String label, int rowCount, String field) {
        if (label.length() != 1 || label.charAt(0) < 'A' || label.charAt(0) >= 'A' + rowCount) {
            throw RejectedException.invalidArgument(field, "row must be a letter A.." + rowLabel(rowCount - 1)
                    + ", was '" + FieldLimits.echo(label) + "'");
        }
        return label.charAt(0) - 'A';
    }

    /** The index of a seat id in a layout of this size; INVALID_ARGUMENT on {@code field} if it is not one. */
    private static int seatIndexIn(String seatId, int rowCount, int seatsPerRow, String field) {
        int row = -1;
        int number = -1;
        if (seatId.length() >= 2 && seatId.length() <= 4 && seatId.charAt(0) >= 'A' && seatId.charAt(0) <= 'Z'
                && seatId.charAt(1) >= '1' && seatId.charAt(1) <= '9') {
            row = seatId.charAt(0) - 'A';
            number = 0;
            for (int i = 1; i < seatId.length(); i++) {
                char digit = seatId.charAt(i);
                if (digit < '0' || digit > '9') {
                    number = -1;
                    break;
                }
                number = number * 10 + (digit - '0');
            }
        }
        if (row < 0 || number < 1) {
            throw RejectedException.invalidArgument(field, "seat id must be a row letter and a seat number like A5,"
                    + " was '" + FieldLimits.echo(seatId) + "'");
        }
        if (row >= rowCount || number > seatsPerRow) {
            throw RejectedException.invalidArgument(field, "seat " + seatId + " does not exist: rows are A.."
                    + rowLabel(rowCount - 1) + " and seats 1.." + seatsPerRow);
        }
        return row * seatsPerRow + number - 1;
    }

    public static String rowLabel(int row) {
        return String.valueOf((char) ('A' + row));
    }

    public static String seatId(int row, int number) {
        return rowLabel(row) + number;
    }

    /** The index of a seat of this screen; INVALID_ARGUMENT on {@code field} unless the id is one. */
    public int requireSeat(String seatId, String field) {
        return seatIndexIn(seatId, rowCount, seatsPerRow, field);
    }

    /** The seat id at an index. */
    public String seatIdAt(int index) {
        return seatId(index / seatsPerRow, index % seatsPerRow + 1);
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

    public String categoryAt(int seatIndex) {
        return categoryOfRow[seatIndex / seatsPerRow];
    }

    public MoneyRecord priceAt(int seatIndex) {
        return priceOfCategory.get(categoryAt(seatIndex));
    }

    public MoneyRecord priceOfCategory(String category) {
        return priceOfCategory.get(category);
    }

    public boolean hasCategory(String category) {
        return priceOfCategory.containsKey(category);
    }

    /** Category names in the order the admin declared them. */
    public List<String> categories() {
        return new ArrayList<>(priceOfCategory.keySet());
    }

    /** The highest price of a category, or of any when {@code category} is empty. */
    public MoneyRecord highestPrice(String category) {
        if (!category.isEmpty()) {
            return priceOfCategory.get(category);
        }
        MoneyRecord highest = null;
        for (MoneyRecord price : priceOfCategory.values()) {
            if (highest == null || price.getAmountMinor() > highest.getAmountMinor()) {
                highest = price;
            }
        }
        return highest;
    }

    public String currency() {
        return priceOfCategory.values().iterator().next().getCurrency();
    }

    public boolean isBlocked(int seatIndex) {
        return blocked.get(seatIndex);
    }
}
