//! CSV records with bounded memory. `csv::Reader` holds a whole record however large it is (a
//! gzip bomb of one endless field would be held whole), so records are parsed with `csv_core`
//! into buffers that never grow past the article limit; a longer record is skipped as it
//! streams past. Also notices what both parsers accept silently: a quoted field still open at
//! the end of the input, which swallows every record after its opening quote.

use std::io::BufRead;

/// More fields than any article table has: a record with more is not a table row.
pub const MAX_FIELDS: usize = 4096;

/// What [`CsvRecords::next_record`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// A record, readable with [`CsvRecords::field`].
    Record,
    /// A record of more than the limit's bytes; it was skipped, not held.
    TooLarge,
    /// A record of more than [`MAX_FIELDS`] fields; it was skipped.
    TooManyFields,
    /// The last record: it opens a quoted field that the input never closes.
    Unterminated,
    /// No more records.
    End,
}

/// Quoting as `csv_core` reads it with the default dialect (`"` quotes, `""` escapes one),
/// tracked over every byte so the end of the input can tell whether a quote is still open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Quotes {
    #[default]
    StartField,
    InField,
    InQuoted,
    QuoteInQuoted,
}

impl Quotes {
    pub fn feed(mut self, bytes: &[u8]) -> Quotes {
        for &b in bytes {
            self = match (self, b) {
                (Quotes::InQuoted, b'"') => Quotes::QuoteInQuoted,
                (Quotes::InQuoted, _) => Quotes::InQuoted,
                (Quotes::QuoteInQuoted, b'"') | (Quotes::StartField, b'"') => Quotes::InQuoted,
                (_, b',' | b'\n' | b'\r') => Quotes::StartField,
                // A quote inside an unquoted field, or text after a closing quote, is literal.
                _ => Quotes::InField,
            };
        }
        self
    }

    /// The input ended inside a quoted field.
    pub fn open(self) -> bool {
        self == Quotes::InQuoted
    }
}

/// Records of one CSV input, the header first.
pub struct CsvRecords<R> {
    input: R,
    core: csv_core::Reader,
    fields: Vec<u8>,
    ends: Vec<usize>,
    nfields: usize,
    max_bytes: usize,
    quotes: Quotes,
}

impl<R: BufRead> CsvRecords<R> {
    /// Reads `input` (a UTF-8 byte order mark at its start is skipped); records of more than
    /// `max_bytes` bytes of field content are [`Next::TooLarge`].
    pub fn new(mut input: R, max_bytes: u64) -> std::io::Result<CsvRecords<R>> {
        if input.fill_buf()?.starts_with(b"\xEF\xBB\xBF") {
            input.consume(3);
        }
        let max_bytes = usize::try_from(max_bytes).unwrap_or(usize::MAX);
        Ok(CsvRecords {
            input,
            core: csv_core::Reader::new(),
            fields: vec![0; max_bytes.clamp(1, 64 * 1024)],
            ends: vec![0; 64],
            nfields: 0,
            max_bytes,
            quotes: Quotes::default(),
        })
    }

    /// Parses the next record. An I/O error (a truncated or corrupt compressed stream) ends the
    /// input.
    pub fn next_record(&mut self) -> std::io::Result<Next> {
        let (mut nout, mut nend) = (0usize, 0usize);
        let (mut too_large, mut too_many) = (false, false);
        self.nfields = 0;
        loop {
            let input = self.input.fill_buf()?;
            let eof = input.is_empty();
            let (res, nin, o, e) = self.core.read_record(input, &mut self.fields[nout..], &mut self.ends[nend..]);
            self.quotes = self.quotes.feed(&input[..nin]);
            self.input.consume(nin);
            nout += o;
            nend += e;
            match res {
                csv_core::ReadRecordResult::InputEmpty => {}
                csv_core::ReadRecordResult::OutputFull => {
                    if self.fields.len() >= self.max_bytes {
                        // Over the limit: keep parsing to the record's end, dropping its bytes.
                        too_large = true;
                        nout = 0;
                    } else {
                        let len = self.fields.len().saturating_mul(2).min(self.max_bytes);
                        self.fields.resize(len, 0);
                    }
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    if self.ends.len() >= MAX_FIELDS {
                        too_many = true;
                        nend = 0;
                    } else {
                        let len = (self.ends.len() * 2).min(MAX_FIELDS);
                        self.ends.resize(len, 0);
                    }
                }
                csv_core::ReadRecordResult::Record => {
                    if eof && self.quotes.open() {
                        return Ok(Next::Unterminated);
                    }
                    if too_large {
                        return Ok(Next::TooLarge);
                    }
                    if too_many {
                        return Ok(Next::TooManyFields);
                    }
                    self.nfields = nend;
                    return Ok(Next::Record);
                }
                csv_core::ReadRecordResult::End => return Ok(Next::End),
            }
        }
    }

    /// Fields of the last [`Next::Record`].
    pub fn len(&self) -> usize {
        self.nfields
    }

    pub fn is_empty(&self) -> bool {
        self.nfields == 0
    }

    /// Field `i` of the last [`Next::Record`].
    pub fn field(&self, i: usize) -> Option<&[u8]> {
        if i >= self.nfields {
            return None;
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.fields.get(start..self.ends[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(bytes: &[u8], max: u64) -> Vec<Result<Vec<String>, Next>> {
        let mut r = CsvRecords::new(bytes, max).unwrap();
        let mut out = Vec::new();
        loop {
            match r.next_record().unwrap() {
                Next::End => return out,
                Next::Record => out.push(Ok((0..r.len()).map(|i| String::from_utf8_lossy(r.field(i).unwrap()).into_owned()).collect())),
                other => out.push(Err(other)),
            }
        }
    }

    #[test]
    fn reads_quoted_fields_and_skips_blank_lines() {
        let got = records(b"\xEF\xBB\xBFid,text\r\n1,\"a, \"\"b\"\"\nc\"\n\n2,plain\n3", 100);
        let want: Vec<Result<Vec<String>, Next>> = vec![
            Ok(vec!["id".into(), "text".into()]),
            Ok(vec!["1".into(), "a, \"b\"\nc".into()]),
            Ok(vec!["2".into(), "plain".into()]),
            Ok(vec!["3".into()]),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn large_records_are_skipped_and_reading_goes_on() {
        let mut input = b"id,text\n1,\"".to_vec();
        input.extend(std::iter::repeat_n(b'x', 10_000));
        input.extend_from_slice(b"\"\n2,ok\n");
        let got = records(&input, 1000);
        assert_eq!(got[1], Err(Next::TooLarge));
        assert_eq!(got[2], Ok(vec!["2".into(), "ok".into()]));
        let many = format!("{}\nnext\n", ",".repeat(MAX_FIELDS + 10));
        assert_eq!(records(many.as_bytes(), 1 << 20), vec![Err(Next::TooManyFields), Ok(vec!["next".into()])]);
    }

    #[test]
    fn an_unclosed_quote_is_reported() {
        assert_eq!(records(b"id,text\n1,\"never closed\n2,two\n", 1000).last(), Some(&Err(Next::Unterminated)));
        assert_eq!(records(b"id,text\n1,ab\"c\n2,\"x\"\"y\"\n", 1000).len(), 3, "a quote inside a field and an escaped quote are fine");
    }

    proptest::proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600), max in 0u64..64) {
            let _ = records(&bytes, max);
        }
    }
}
