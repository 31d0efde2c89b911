package dev.peregrine.qpack;

import static dev.peregrine.qpack.QpackException.QPACK_ENCODER_STREAM_ERROR;
import static dev.peregrine.qpack.QpackTestSupport.assertQpackError;
import static dev.peregrine.qpack.QpackTestSupport.assertTable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.qpack.QpackDynamicTable.Entry;
import org.junit.jupiter.api.Test;

/** Capacity, eviction and indexing of the decoder's dynamic table (RFC 9204 §3.2). */
class QpackDynamicTableTest {

    final QpackDynamicTable table = new QpackDynamicTable(200);

    @Test
    void startsEmptyWithCapacityZero() {
        assertThat(table.capacity()).isZero();
        assertThat(table.insertCount()).isZero();
        assertQpackError(QPACK_ENCODER_STREAM_ERROR, () -> table.insert(new Entry("a", "b")));
    }

    @Test
    void entrySizeIsNamePlusValuePlus32() throws QpackException {
        table.setCapacity(200);
        table.insert(new Entry("name", "value"));
        assertThat(table.size()).isEqualTo(4 + 5 + 32);
        assertThat(QpackDynamicTable.entrySize(0, 0)).isEqualTo(32);
    }

    @Test
    void capacityAboveTheAdvertisedMaximumIsAnError() throws QpackException {
        table.setCapacity(200);
        assertQpackError(QPACK_ENCODER_STREAM_ERROR, () -> table.setCapacity(201));
        assertThat(table.capacity()).isEqualTo(200);
    }

    @Test
    void insertEvictsOldestUntilTheNewEntryFits() throws QpackException {
        table.setCapacity(100);
        table.insert(new Entry("a", "1")); // 34
        table.insert(new Entry("b", "2")); // 34
        assertTable(table, 68, "0 a 1", "1 b 2");
        table.insert(new Entry("c", "33")); // 35: 68 + 35 > 100, so "a" goes
        assertTable(table, 69, "1 b 2", "2 c 33");
        assertThat(table.firstIndex()).isEqualTo(1);
        assertThat(table.contains(0)).isFalse();
        assertThat(table.contains(3)).isFalse();
    }

    @Test
    void entryLargerThanTheCapacityIsAnErrorNotAFlush() throws QpackException {
        table.setCapacity(40);
        table.insert(new Entry("a", "1"));
        assertQpackError(QPACK_ENCODER_STREAM_ERROR, () -> table.insert(new Entry("abcd", "12345")));
        assertTable(table, 34, "0 a 1");
    }

    @Test
    void entryOfExactlyTheCapacityFits() throws QpackException {
        table.setCapacity(40);
        table.insert(new Entry("abcd", "1234"));
        assertTable(table, 40, "0 abcd 1234");
    }

    @Test
    void reducingCapacityEvictsAndZeroClears() throws QpackException {
        table.setCapacity(200);
        table.insert(new Entry("a", "1"));
        table.insert(new Entry("b", "2"));
        table.setCapacity(40);
        assertTable(table, 34, "1 b 2");
        table.setCapacity(0);
        assertTable(table, 0);
        assertThat(table.insertCount()).as("absolute indices keep counting").isEqualTo(2);
        table.setCapacity(200);
        table.insert(new Entry("c", "3"));
        assertTable(table, 34, "2 c 3");
    }

    @Test
    void relativeIndexZeroIsTheNewestAndDuplicateReinsertsIt() throws QpackException {
        table.setCapacity(200);
        table.insert(new Entry("a", "1"));
        table.insert(new Entry("b", "2"));
        assertThat(table.getRelative(0).name()).isEqualTo("b");
        assertThat(table.getRelative(1).name()).isEqualTo("a");
        assertQpackError(QPACK_ENCODER_STREAM_ERROR, () -> table.getRelative(2));
        assertQpackError(QPACK_ENCODER_STREAM_ERROR, () -> table.getRelative(Long.MAX_VALUE));
        table.duplicate(1);
        assertTable(table, 102, "0 a 1", "1 b 2", "2 a 1");
    }

    @Test
    void duplicateOfTheEntryItEvictsKeepsItsStrings() throws QpackException {
        table.setCapacity(40);
        table.insert(new Entry("abcd", "1234")); // fills the table
        table.duplicate(0); // evicts entry 0 to make room for its own copy (§3.2.2's caution)
        assertTable(table, 40, "1 abcd 1234");
    }

    @Test
    void outOfRangeAbsoluteIndexNeverReadsOutsideTheTable() throws QpackException {
        table.setCapacity(200);
        table.insert(new Entry("a", "1"));
        assertThatThrownBy(() -> table.get(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> table.get(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void ringGrowsAndWrapsAroundKeepingOrder() throws QpackException {
        QpackDynamicTable big = new QpackDynamicTable(32 * 20);
        big.setCapacity(32 * 20);
        for (int i = 0; i < 100; i++) {
            big.insert(new Entry("", "")); // 32 octets: at most 20 fit
            if (i % 7 == 0) {
                big.setCapacity(32 * (5 + i % 15)); // shrink and regrow at odd moments
                big.setCapacity(32 * 20);
            }
        }
        big.insert(new Entry("x", "y"));
        assertThat(big.insertCount()).isEqualTo(101);
        assertThat(big.length()).isLessThanOrEqualTo(20);
        assertThat(big.get(100)).isEqualTo(new Entry("x", "y"));
        for (long i = big.firstIndex(); i < 100; i++) {
            assertThat(big.get(i)).isEqualTo(new Entry("", ""));
        }
        assertThat(big.size()).isEqualTo(32L * (big.length() - 1) + 34);
    }
}
