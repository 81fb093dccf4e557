package com.desayre.gateway.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ByteRangeTest {

    @Test
    void oneRangeOfEachForm() {
        assertThat(ByteRange.parse("bytes=0-99", 1000)).contains(List.of(new ByteRange(0, 99)));
        assertThat(ByteRange.parse("bytes=-10", 1000)).contains(List.of(new ByteRange(990, 999)));
        assertThat(ByteRange.parse("bytes=995-", 1000)).contains(List.of(new ByteRange(995, 999)));
        assertThat(ByteRange.parse("bytes=900-5000", 1000)).contains(List.of(new ByteRange(900, 999)));
    }

    @Test
    void overlappingAndTouchingRangesMergeAndTheRestComeInOrder() {
        assertThat(ByteRange.parse("bytes=10-19, 0-9,15-29", 1000)).contains(List.of(new ByteRange(0, 29)));
        assertThat(ByteRange.parse("bytes=500-599, 0-9, -5", 1000))
                .contains(List.of(new ByteRange(0, 9), new ByteRange(500, 599), new ByteRange(995, 999)));
    }

    @Test
    void unsatisfiableRangesAreDroppedAndNoneLeftIsA416() {
        assertThat(ByteRange.parse("bytes=0-9, 2000-2100", 1000)).contains(List.of(new ByteRange(0, 9)));
        assertThat(ByteRange.parse("bytes=1000-", 1000)).contains(List.of());
        assertThat(ByteRange.parse("bytes=-0", 1000)).contains(List.of());
    }

    @Test
    void whatIsNotAValidRangeHeaderIsIgnored() {
        assertThat(ByteRange.parse(null, 1000)).isEmpty();
        assertThat(ByteRange.parse("items=0-9", 1000)).isEmpty();
        assertThat(ByteRange.parse("bytes=0-9, oops", 1000)).isEmpty();
        assertThat(ByteRange.parse("bytes=9-0", 1000)).isEmpty();
        assertThat(ByteRange.parse("bytes=0-9,", 1000)).isEmpty();
    }

    @Test
    void tooManyPartsAreIgnored() {
        var many = new StringBuilder("bytes=");
        for (int i = 0; i <= ByteRange.MAX_PARTS; i++) {
            many.append(i == 0 ? "" : ",").append(i * 10).append('-').append(i * 10 + 1);
        }
        assertThat(ByteRange.parse(many.toString(), 100_000)).isEmpty();
    }
}
