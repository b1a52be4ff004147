//! The text of a sweep's CSV rows, written straight into one buffer.
//!
//! A million-point sweep writes three numbers a row; formatting each into a scratch buffer and
//! copying it out (`itoa` then `extend_from_slice`) spent as long as computing the row. Here the
//! buffer is kept longer than any row can be, a number's digit count is known before it is
//! written, and its digits go to their place two at a time.

/// Longest text of one value: an `i128` with its sign (`false` is shorter).
pub(super) const MOST_PER_VALUE: usize = 40;

/// `"00" "01" ... "99"`: two digits per lookup.
const PAIRS: [u8; 200] = {
    let mut pairs = [0u8; 200];
    let mut i = 0;
    while i < 100 {
        pairs[2 * i] = b'0' + (i / 10) as u8;
        pairs[2 * i + 1] = b'0' + (i % 10) as u8;
        i += 1;
    }
    pairs
};

pub(super) struct CsvText {
    bytes: Vec<u8>,
    /// Where the text ends; `bytes` beyond it is room.
    end: usize,
}

impl CsvText {
    pub(super) fn with_capacity(capacity: usize) -> CsvText {
        CsvText {
            bytes: vec![0; capacity],
            end: 0,
        }
    }

    /// Makes room for `most` more bytes; every write after it, up to that many bytes, fits.
    pub(super) fn reserve(&mut self, most: usize) {
        let needed = self.end + most;
        if self.bytes.len() < needed {
            self.bytes.resize(needed.max(2 * self.bytes.len()), 0);
        }
    }

    pub(super) fn byte(&mut self, byte: u8) {
        self.bytes[self.end] = byte;
        self.end += 1;
    }

    pub(super) fn text(&mut self, text: &[u8]) {
        self.bytes[self.end..self.end + text.len()].copy_from_slice(text);
        self.end += text.len();
    }

    /// Writes `value` in decimal, with a `-` when negative.
    pub(super) fn int(&mut self, value: i128) {
        let Ok(small) = i64::try_from(value) else {
            // Past i64 (rare in a sweep): itoa's general path.
            let mut buffer = itoa::Buffer::new();
            self.text(buffer.format(value).as_bytes());
            return;
        };
        if small < 0 {
            self.byte(b'-');
        }
        let mut rest = small.unsigned_abs();
        let digits = rest.checked_ilog10().map_or(1, |log| log as usize + 1);
        let start = self.end;
        self.end += digits;
        // One bounds check for the number; the digits are then written from its end, four at a
        // time (two lookups of `PAIRS`), as itoa does.
        let out = &mut self.bytes[start..start + digits];
        let mut at = digits;
        while rest >= 10_000 {
            let four = (rest % 10_000) as usize;
            rest /= 10_000;
            let (high, low) = (2 * (four / 100), 2 * (four % 100));
            if let Some(place) = out.get_mut(at - 4..at) {
                place.copy_from_slice(&[PAIRS[high], PAIRS[high + 1], PAIRS[low], PAIRS[low + 1]]);
            }
            at -= 4;
        }
        let mut rest = rest as usize;
        if rest >= 100 {
            let pair = 2 * (rest % 100);
            rest /= 100;
            if let Some(place) = out.get_mut(at - 2..at) {
                place.copy_from_slice(&[PAIRS[pair], PAIRS[pair + 1]]);
            }
            at -= 2;
        }
        if rest >= 10 {
            if let Some(place) = out.get_mut(at - 2..at) {
                place.copy_from_slice(&[PAIRS[2 * rest], PAIRS[2 * rest + 1]]);
            }
        } else if let Some(place) = out.get_mut(at - 1) {
            *place = b'0' + rest as u8;
        }
    }

    pub(super) fn into_bytes(mut self) -> Vec<u8> {
        self.bytes.truncate(self.end);
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(values: &[i128]) -> String {
        let mut text = CsvText::with_capacity(0);
        for value in values {
            text.reserve(MOST_PER_VALUE + 1);
            text.int(*value);
            text.byte(b',');
        }
        String::from_utf8(text.into_bytes()).unwrap_or_default()
    }

    #[test]
    fn integers_read_as_rust_formats_them() {
        let mut values: Vec<i128> = vec![0, 1, 9, 10, 99, 100, 101, 999, 1000, -1, -10, -100];
        for shift in 0..127 {
            let power = 1i128 << shift;
            values.extend([power - 1, power, -power, power + 1]);
        }
        let mut ten = 1i128;
        while let Some(next) = ten.checked_mul(10) {
            values.extend([ten - 1, ten, ten + 1, -ten]);
            ten = next;
        }
        values.extend([i64::MIN.into(), i64::MAX.into(), i128::MIN, i128::MAX]);
        let expected: String = values.iter().map(|v| format!("{v},")).collect();
        assert_eq!(written(&values), expected);
    }

    #[test]
    fn room_grows_past_the_first_capacity() {
        let many: Vec<i128> = (0..10_000).map(|i| i * 7_919).collect();
        let expected: String = many.iter().map(|v| format!("{v},")).collect();
        assert_eq!(written(&many), expected);
    }
}
