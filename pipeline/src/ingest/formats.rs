//! Input formats: one-article files, JSON Lines and CSV (plain, `.gz`, `.zst`), read as a
//! stream of items with bounded memory: no line or article larger than the limit is held.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};

use crate::ingest::csv_records::{CsvRecords, Next, MAX_FIELDS};
use crate::ingest::json_record::{Line, Scalar};
use crate::ingest::metadata::{check_dates, clean, ArticleMeta};
use crate::ingest::{Compression, Content, Format, IngestOptions, InputFile, RawItem, RejectReason};
use crate::lexicon::hex_sha256;

/// Opens a file, undoing its compression.
fn open(file: &InputFile) -> std::io::Result<Box<dyn Read>> {
    let f = File::open(&file.path)?;
    Ok(match file.compression {
        Compression::None => Box::new(f),
        Compression::Gzip => Box::new(Decompressed { inner: flate2::read::MultiGzDecoder::new(BufReader::new(f)), format: "gzip" }),
        Compression::Zstd => Box::new(Decompressed { inner: zstd::stream::read::Decoder::new(f)?, format: "zstd" }),
    })
}

/// A decompressor whose errors say what went wrong: a stream that ends early is
/// `UnexpectedEof` (truncated), anything else it reports is corrupt data (`InvalidData`).
struct Decompressed<R> {
    inner: R,
    format: &'static str,
}

impl<R: Read> Read for Decompressed<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.inner.read(buf).map_err(|e| {
            let (kind, what) = match e.kind() {
                std::io::ErrorKind::UnexpectedEof => (std::io::ErrorKind::UnexpectedEof, "ends early"),
                _ => (std::io::ErrorKind::InvalidData, "is corrupt"),
            };
            std::io::Error::new(kind, format!("the {} stream {what} ({e})", self.format))
        })
    }
}

/// Reads every item of one input file and hands each to `emit`, in file order.
pub fn read_items<E>(file: &InputFile, opts: &IngestOptions, emit: &mut dyn FnMut(RawItem) -> Result<(), E>) -> Result<(), E> {
    let reject = |item: Option<i64>, reason: RejectReason, detail: String| RawItem {
        source_path: file.source_path.clone(),
        source_item: item,
        source_id: file.file_name().to_owned(),
        meta: ArticleMeta::default(),
        content: Content::Rejected(reason, detail),
    };
    // A FIFO, socket or device would block or never end: only regular files are articles.
    match std::fs::metadata(&file.path) {
        Ok(m) if m.is_dir() => {
            // Links to directories are not followed (they can loop); a directory that cannot be
            // listed is an input of its own.
            let detail = match std::fs::read_dir(&file.path) {
                _ if std::fs::symlink_metadata(&file.path).is_ok_and(|l| l.file_type().is_symlink()) => {
                    "a symbolic link to a directory (not followed)".to_owned()
                }
                Err(e) => format!("a directory that cannot be listed: {e}"),
                Ok(_) => "a directory, not a file".to_owned(),
            };
            return emit(reject(None, RejectReason::Unreadable, detail));
        }
        Ok(m) if !m.is_file() => return emit(reject(None, RejectReason::Unreadable, "not a regular file".into())),
        Err(e) => return emit(reject(None, RejectReason::Unreadable, format!("cannot open the file: {e}"))),
        // Compressed or not, a file of no bytes holds no article.
        Ok(m) if m.len() == 0 => return emit(reject(None, RejectReason::Empty, "the file has no bytes".into())),
        Ok(_) => {}
    }
    let reader = match open(file) {
        Ok(r) => r,
        Err(e) => return emit(reject(None, RejectReason::Unreadable, format!("cannot open the file: {e}"))),
    };
    match file.format {
        Format::Text => {
            let mut bytes = Vec::new();
            let limit = opts.max_article_bytes;
            match reader.take(limit.saturating_add(1)).read_to_end(&mut bytes) {
                Ok(_) if bytes.len() as u64 > limit => {
                    emit(reject(None, RejectReason::TooLarge, format!("the article is larger than the limit of {limit} bytes")))
                }
                Ok(_) => emit(RawItem {
                    source_path: file.source_path.clone(),
                    source_item: None,
                    source_id: file.file_name().to_owned(),
                    meta: file.meta.clone().unwrap_or_default(),
                    content: Content::Bytes(bytes),
                }),
                Err(e) => emit(reject(None, read_error_reason(&e), format!("reading the file failed: {e}"))),
            }
        }
        Format::Jsonl => match file.range {
            None => {
                let records = read_jsonl(file, opts, BufReader::new(reader), 0, u64::MAX, emit)?;
                if records == 0 {
                    return emit(reject(None, RejectReason::Empty, "the file holds no records (only blank lines)".into()));
                }
                Ok(())
            }
            Some((start, end)) => {
                // A part of a split file starts at the first line that begins at or after
                // `start`; the line numbers before it are counted so `source_item` stays the
                // line number in the whole file.
                let mut reader = BufReader::with_capacity(1 << 20, reader);
                match skip_to_line_start(&mut reader, start) {
                    Ok((first_line, offset)) => read_jsonl(file, opts, reader, first_line - 1, end.saturating_sub(offset), emit).map(|_| ()),
                    Err(e) => emit(reject(None, RejectReason::Unreadable, format!("reading the file failed: {e}"))),
                }
            }
        },
        Format::Csv => read_csv(file, opts, reader, emit),
    }
}

/// A decompression error means the file ends early (truncated) or is corrupt (undecodable, see
/// [`Decompressed`]); any other error is the system's (unreadable).
fn read_error_reason(e: &std::io::Error) -> RejectReason {
    match e.kind() {
        std::io::ErrorKind::UnexpectedEof => RejectReason::Truncated,
        std::io::ErrorKind::InvalidData => RejectReason::Undecodable,
        _ => RejectReason::Unreadable,
    }
}

/// Tracks record ids inside one file: the same id with other text is `duplicate_id`.
#[derive(Default)]
struct IdCheck(HashMap<String, String>);

impl IdCheck {
    fn check(&mut self, id: &str, text: &str) -> Option<(RejectReason, String)> {
        let digest = hex_sha256(text.as_bytes());
        match self.0.get(id) {
            Some(seen) if *seen != digest => Some((RejectReason::DuplicateId, format!("id {id:?} was already used in this file by a record with other text"))),
            Some(_) => None,
            None => {
                self.0.insert(id.to_owned(), digest);
                None
            }
        }
    }
}

/// Consumes bytes up to the first line that starts at or after `start`; returns that line's
/// 1-based number and its byte offset.
fn skip_to_line_start(reader: &mut impl BufRead, start: u64) -> std::io::Result<(i64, u64)> {
    let mut line_no: i64 = 1;
    let mut offset: u64 = 0;
    // Lines are counted up to `start - 1`; the byte there says whether a line starts at `start`.
    while offset < start {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok((line_no, offset));
        }
        let take = buf.len().min((start - offset) as usize);
        line_no += buf[..take].iter().filter(|&&b| b == b'\n').count() as i64;
        let ends_line = buf[take - 1] == b'\n';
        reader.consume(take);
        offset += take as u64;
        if offset == start && !ends_line {
            // `start` is inside a line: it belongs to the previous part. Skipped, not held: the
            // line can be gigabytes long.
            loop {
                let buf = reader.fill_buf()?;
                if buf.is_empty() {
                    break;
                }
                let (n, line_ends) = match buf.iter().position(|&b| b == b'\n') {
                    Some(i) => (i + 1, true),
                    None => (buf.len(), false),
                };
                reader.consume(n);
                offset += n as u64;
                if line_ends {
                    line_no += 1;
                    break;
                }
            }
        }
    }
    Ok((line_no, offset))
}

/// Reads JSON Lines records; `line_no` is the number of lines before the first one read, and only
/// lines starting within `budget` bytes of it are read (the rest belong to the next part).
/// Returns how many items it emitted.
fn read_jsonl<E>(
    file: &InputFile,
    opts: &IngestOptions,
    mut reader: impl BufRead,
    mut line_no: i64,
    budget: u64,
    emit: &mut dyn FnMut(RawItem) -> Result<(), E>,
) -> Result<u64, E> {
    let mut ids = IdCheck::default();
    let mut line = Vec::new();
    let limit = opts.max_article_bytes;
    let mut consumed: u64 = 0;
    let emitted = std::cell::Cell::new(0u64);
    let mut emit = |item: RawItem| {
        emitted.set(emitted.get() + 1);
        emit(item)
    };
    loop {
        if consumed >= budget {
            return Ok(emitted.get());
        }
        line.clear();
        line_no += 1;
        let item = Some(line_no);
        let mk = |content: Content, source_id: String, meta: ArticleMeta| RawItem {
            source_path: file.source_path.clone(),
            source_item: item,
            source_id,
            meta,
            content,
        };
        let rejected = |reason, detail| mk(Content::Rejected(reason, detail), file.file_name().to_owned(), ArticleMeta::default());
        // Bounded read: a line over the limit is rejected and skipped without being held.
        let read = (&mut reader).take(limit.saturating_add(2)).read_until(b'\n', &mut line);
        match read {
            Err(e) => {
                emit(rejected(read_error_reason(&e), format!("line {line_no}: reading failed: {e}")))?;
                return Ok(emitted.get());
            }
            Ok(0) => return Ok(emitted.get()),
            Ok(n) => consumed += n as u64,
        }
        if line.len() as u64 > limit.saturating_add(1) || (line.len() as u64 == limit.saturating_add(2) && line.last() != Some(&b'\n')) {
            // Skip the rest of this line.
            let mut sink = Vec::new();
            loop {
                sink.clear();
                match (&mut reader).take(1 << 20).read_until(b'\n', &mut sink) {
                    Ok(0) => break,
                    Ok(n) => {
                        consumed += n as u64;
                        if sink.last() == Some(&b'\n') {
                            break;
                        }
                    }
                    Err(_) => break,
                }
            }
            emit(rejected(RejectReason::TooLarge, format!("line {line_no} is larger than the limit of {limit} bytes")))?;
            continue;
        }
        // A byte order mark opens the file, or a line of files concatenated with `cat`.
        let bytes: &[u8] = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&line);
        if bytes.iter().all(u8::is_ascii_whitespace) {
            continue; // a blank line is not a record
        }
        let bytes = match std::str::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => {
                let detail = format!("line {line_no}: not UTF-8 (invalid byte at offset {}); JSON Lines must be UTF-8", e.valid_up_to());
                emit(rejected(RejectReason::Undecodable, detail))?;
                continue;
            }
        };
        // Only the fields read are kept: a line of a million keys is not built in memory.
        let mut record = match serde_json::from_str::<Line>(bytes) {
            Ok(Line::Record(r)) => r,
            Ok(Line::NotObject(_)) => {
                emit(rejected(RejectReason::MalformedJson, format!("line {line_no}: a record must be a JSON object")))?;
                continue;
            }
            Err(e) => {
                emit(rejected(RejectReason::MalformedJson, format!("line {line_no}: {e}")))?;
                continue;
            }
        };
        // A record without an id takes the file name as `source_id` (codebook 3); only real ids
        // can collide.
        let (source_id, has_id) = match record.id.take() {
            Some(Scalar::Str(s)) if !s.trim().is_empty() => (s, true),
            Some(Scalar::Num(n)) => (n, true),
            _ => (file.file_name().to_owned(), false),
        };
        let text = match record.text.take() {
            None | Some(Scalar::Other("null")) => {
                emit(rejected(RejectReason::NoTextField, format!("line {line_no}: the record has no `text` field")))?;
                continue;
            }
            Some(Scalar::Str(s)) => s,
            Some(other) => {
                emit(rejected(RejectReason::TextNotString, format!("line {line_no}: `text` is a {}, not a string", other.json_type())))?;
                continue;
            }
        };
        let field = |name: &str| match record.field(name) {
            Some(Scalar::Str(s)) => clean(Some(s)),
            Some(Scalar::Num(n)) => Some(n.clone()),
            _ => None,
        };
        let mut meta = ArticleMeta {
            outlet: field("outlet"),
            title: field("title"),
            url: field("url"),
            published: field("published").or_else(|| field("date")),
            published_precision: field("published_precision"),
        };
        // A bad date is nulled; the note becomes a `bad_metadata` row for this line.
        let note = check_dates(&mut meta);
        let collision = if has_id { ids.check(&source_id, &text) } else { None };
        let content = match collision {
            Some((reason, detail)) => Content::Rejected(reason, format!("line {line_no}: {detail}")),
            None => Content::Text { text, metadata_note: note },
        };
        emit(mk(content, source_id, meta))?;
    }
}

fn read_csv<E>(file: &InputFile, opts: &IngestOptions, reader: Box<dyn Read>, emit: &mut dyn FnMut(RawItem) -> Result<(), E>) -> Result<(), E> {
    let file_reject = |reason, detail| RawItem {
        source_path: file.source_path.clone(),
        source_item: None,
        source_id: file.file_name().to_owned(),
        meta: ArticleMeta::default(),
        content: Content::Rejected(reason, detail),
    };
    let mut input = BufReader::with_capacity(1 << 16, reader);
    let start = match input.fill_buf() {
        Ok(b) => b,
        Err(e) => return emit(file_reject(read_error_reason(&e), format!("reading the file failed: {e}"))),
    };
    if let Some((encoding, _)) = encoding_rs::Encoding::for_bom(start).filter(|(enc, _)| *enc != encoding_rs::UTF_8) {
        let name = if start.starts_with(b"\xFF\xFE\0\0") { "UTF-32LE" } else { encoding.name() };
        return emit(file_reject(RejectReason::Undecodable, format!("the file is {name} (it starts with a byte order mark); CSV files must be UTF-8")));
    }
    // Records are held up to the article limit plus 1 MiB for the header and the other
    // columns; the text field itself is checked against the limit.
    let record_limit = opts.max_article_bytes.saturating_add(1 << 20);
    let mut rdr = match CsvRecords::new(input, record_limit) {
        Ok(r) => r,
        Err(e) => return emit(file_reject(read_error_reason(&e), format!("reading the file failed: {e}"))),
    };
    let headers: Vec<String> = match rdr.next_record() {
        Ok(Next::Record) => (0..rdr.len()).map(|i| String::from_utf8_lossy(rdr.field(i).unwrap_or_default()).trim().to_ascii_lowercase()).collect(),
        Ok(Next::End) => return emit(file_reject(RejectReason::Empty, "the file holds no header and no records (only blank lines)".into())),
        Ok(Next::TooLarge) => {
            return emit(file_reject(RejectReason::TooLarge, format!("the CSV header is larger than the limit of {record_limit} bytes")))
        }
        Ok(Next::TooManyFields) => return emit(file_reject(RejectReason::MalformedCsv, format!("the CSV header has more than {MAX_FIELDS} columns"))),
        Ok(Next::Unterminated) => return emit(file_reject(RejectReason::MalformedCsv, "the CSV header opens a quoted field that is never closed".into())),
        Err(e) => return emit(file_reject(read_error_reason(&e), format!("unreadable CSV header: {e}"))),
    };
    if headers.iter().any(|h| h.contains('\0')) {
        return emit(file_reject(RejectReason::Binary, "the CSV header holds NUL bytes: binary, or UTF-16 without a byte order mark; not UTF-8 text".into()));
    }
    let col = |name: &str| headers.iter().position(|h| h == name);
    let Some(text_col) = col("text") else {
        // `id;text` is one column to a comma-separated reader: say so.
        let hint = [';', '\t', '|']
            .into_iter()
            .find(|sep| headers.iter().any(|h| h.split(*sep).any(|c| c.trim() == "text")))
            .map_or_else(String::new, |sep| format!("; the header looks {sep:?}-separated, but CSV input must be comma-separated"));
        return emit(file_reject(RejectReason::NoTextField, format!("the CSV header has no `text` column (columns: {}){hint}", headers.join(", "))));
    };
    let id_col = col("id");
    let meta_cols = [col("outlet"), col("title"), col("url"), col("published").or_else(|| col("date")), col("published_precision")];
    let mut ids = IdCheck::default();
    let mut n: i64 = 0;
    loop {
        n += 1;
        let rejected = |reason, detail| RawItem {
            source_path: file.source_path.clone(),
            source_item: Some(n),
            source_id: file.file_name().to_owned(),
            meta: ArticleMeta::default(),
            content: Content::Rejected(reason, detail),
        };
        match rdr.next_record() {
            Ok(Next::Record) => {}
            Ok(Next::End) if n == 1 => return emit(file_reject(RejectReason::Empty, "the file holds a CSV header but no records".into())),
            Ok(Next::End) => return Ok(()),
            Ok(Next::TooLarge) => {
                emit(rejected(RejectReason::TooLarge, format!("record {n} is larger than the limit of {record_limit} bytes (the article limit and 1 MiB for the other columns)")))?;
                continue;
            }
            Ok(Next::TooManyFields) => {
                emit(rejected(RejectReason::MalformedCsv, format!("record {n} has more than {MAX_FIELDS} fields")))?;
                continue;
            }
            Ok(Next::Unterminated) => {
                let detail = format!("record {n} opens a quoted field that is never closed: the rest of the file was read as one field");
                return emit(rejected(RejectReason::MalformedCsv, detail));
            }
            Err(e) => return emit(rejected(read_error_reason(&e), format!("record {n}: reading failed: {e}"))),
        }
        let field = |c: Option<usize>| c.and_then(|c| rdr.field(c)).map(|b| String::from_utf8_lossy(b).into_owned());
        let Some(raw_text) = rdr.field(text_col) else {
            emit(rejected(RejectReason::MalformedCsv, format!("record {n} has {} fields, no `text` field", rdr.len())))?;
            continue;
        };
        if raw_text.len() as u64 > opts.max_article_bytes {
            emit(rejected(RejectReason::TooLarge, format!("record {n} is larger than the limit of {} bytes", opts.max_article_bytes)))?;
            continue;
        }
        let Ok(text) = std::str::from_utf8(raw_text).map(str::to_owned) else {
            emit(rejected(RejectReason::Undecodable, format!("record {n}: the text is not valid UTF-8")))?;
            continue;
        };
        let id = clean(field(id_col).as_deref());
        let has_id = id.is_some();
        let source_id = id.unwrap_or_else(|| file.file_name().to_owned());
        let mut meta = ArticleMeta {
            outlet: clean(field(meta_cols[0]).as_deref()),
            title: clean(field(meta_cols[1]).as_deref()),
            url: clean(field(meta_cols[2]).as_deref()),
            published: clean(field(meta_cols[3]).as_deref()),
            published_precision: clean(field(meta_cols[4]).as_deref()),
        };
        let note = check_dates(&mut meta);
        let collision = if has_id { ids.check(&source_id, &text) } else { None };
        let content = match collision {
            Some((reason, detail)) => Content::Rejected(reason, format!("record {n}: {detail}")),
            None => Content::Text { text, metadata_note: note },
        };
        emit(RawItem { source_path: file.source_path.clone(), source_item: Some(n), source_id, meta, content })?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::metadata::read_sidecar;
    use proptest::prelude::*;

    fn items_of(name: &str, bytes: &[u8], compression: Compression) -> Vec<RawItem> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let format = if name.contains(".jsonl") { Format::Jsonl } else if name.contains(".csv") { Format::Csv } else { Format::Text };
        let file = InputFile { path, source_path: name.into(), format, compression, meta: None, bytes: bytes.len() as u64, range: None };
        let mut items = Vec::new();
        read_items(&file, &IngestOptions { max_article_bytes: 512, split_bytes: 1 << 20 }, &mut |item| {
            items.push(item);
            Ok::<(), ()>(())
        })
        .unwrap();
        items
    }

    #[test]
    fn jsonl_items_carry_line_numbers_and_reasons() {
        let items = items_of("a.jsonl", b"{\"id\":\"a\",\"text\":\"one\"}\n\n{bad\n{\"text\":\"two\",\"metadata\":{\"outlet\":\" \",\"published\":\"2020-02\"}}", Compression::None);
        let got: Vec<(Option<i64>, &str)> = items
            .iter()
            .map(|i| (i.source_item, match &i.content { Content::Text { .. } => "text", Content::Rejected(r, _) => r.code(), Content::Bytes(_) => "bytes" }))
            .collect();
        assert_eq!(got, vec![(Some(1), "text"), (Some(3), "malformed_json"), (Some(4), "text")]);
        assert_eq!(items[2].meta.outlet, None, "blank metadata is null");
        assert_eq!(items[2].meta.published_precision.as_deref(), Some("month"));
        assert_eq!(items[2].source_id, "a.jsonl", "no id: the file name");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

        #[test]
        fn jsonl_reader_never_panics_and_numbers_lines(bytes in proptest::collection::vec(any::<u8>(), 0..1500)) {
            let items = items_of("x.jsonl", &bytes, Compression::None);
            let lines = bytes.split(|b| *b == b'\n').count() as i64;
            if let [RawItem { source_item: None, content: Content::Rejected(reason, _), .. }] = items.as_slice() {
                // A file of no records is one `empty` reject.
                prop_assert_eq!(*reason, RejectReason::Empty);
                prop_assert!(bytes.split(|b| *b == b'\n').all(|l| l.iter().all(u8::is_ascii_whitespace)));
                return Ok(());
            }
            let mut last = 0;
            for item in &items {
                let n = item.source_item.unwrap();
                prop_assert!(n > last && n <= lines);
                last = n;
            }
        }

        #[test]
        fn jsonl_of_records_reads_every_record(texts in proptest::collection::vec("[ -~ё’\\\"\n]{0,80}", 0..20)) {
            let mut body = String::new();
            for (i, t) in texts.iter().enumerate() {
                body.push_str(&serde_json::json!({"id": i.to_string(), "text": t}).to_string());
                body.push('\n');
            }
            let items = items_of("r.jsonl", body.as_bytes(), Compression::None);
            if texts.is_empty() {
                prop_assert!(matches!(items.as_slice(), [RawItem { content: Content::Rejected(RejectReason::Empty, _), .. }]), "{:?}", items);
                return Ok(());
            }
            prop_assert_eq!(items.len(), texts.len());
            for (item, t) in items.iter().zip(&texts) {
                match &item.content {
                    Content::Text { text, .. } => prop_assert_eq!(text, t),
                    other => prop_assert!(false, "{:?}", other),
                }
            }
        }

        #[test]
        fn csv_and_compressed_readers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..1500)) {
            let _ = items_of("x.csv", &bytes, Compression::None);
            let _ = items_of("x.jsonl.gz", &bytes, Compression::Gzip);
            let _ = items_of("x.jsonl.zst", &bytes, Compression::Zstd);
            let _ = items_of("x.txt", &bytes, Compression::None);
        }

        #[test]
        fn sidecar_reader_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..1500)) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("metadata.csv");
            let mut content = b"file,outlet,title,url,published,published_precision\n".to_vec();
            content.extend_from_slice(&bytes);
            std::fs::write(&path, &content).unwrap();
            let sidecar = read_sidecar(&path, "metadata.csv");
            for (_, (_, meta)) in sidecar.rows {
                if let Some(p) = meta.published {
                    prop_assert!(crate::ingest::metadata::date_granularity(&p).is_some());
                }
            }
        }
    }
}
