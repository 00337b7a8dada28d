//! Bytes to text: BOM sniffing, UTF-8 validation, then `chardetng` for legacy 8-bit encodings.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

use crate::ingest::RejectReason;

/// Decoded text and the WHATWG label of the encoding it was read as.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub text: String,
    pub encoding: String,
}

/// Decodes one article's bytes, or says why it cannot be used.
pub fn decode(bytes: &[u8]) -> Result<Decoded, (RejectReason, String)> {
    if bytes.is_empty() {
        return Err((RejectReason::Empty, "the file has no bytes".into()));
    }
    if bytes.starts_with(b"\xFF\xFE\0\0") || bytes.starts_with(b"\0\0\xFE\xFF") {
        return Err((RejectReason::Undecodable, "the text is UTF-32 (it starts with a UTF-32 byte order mark), which is not read; convert it to UTF-8".into()));
    }
    let decoded = if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        decode_strict(encoding, &bytes[bom_len..])?
    } else if let Some(encoding) = utf16_without_bom(bytes) {
        decode_strict(encoding, bytes)?
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        Decoded { text: text.to_owned(), encoding: "utf-8".into() }
    } else if looks_binary(bytes) {
        return Err((
            RejectReason::Binary,
            format!("{} of the first {} bytes are control bytes; not text", control_bytes(bytes), sample(bytes).len()),
        ));
    } else {
        let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
        detector.feed(bytes, true);
        let encoding = detector.guess(None, chardetng::Utf8Detection::Deny);
        if encoding == UTF_8 || encoding == UTF_16LE || encoding == UTF_16BE {
            return Err((RejectReason::Undecodable, "invalid UTF-8 and no legacy encoding fits".into()));
        }
        decode_strict(encoding, bytes)?
    };
    if decoded.text.contains('\0') || looks_binary(decoded.text.as_bytes()) {
        return Err((RejectReason::Binary, "the text holds NUL or many control characters; not text".into()));
    }
    if decoded.text.trim().is_empty() {
        return Err((RejectReason::Empty, "the text is empty or only whitespace".into()));
    }
    Ok(decoded)
}

/// UTF-16 without a byte order mark: the NULs of its code units (the high byte of ASCII text,
/// of spaces and punctuation in any script) fall on one parity of byte offsets only. Binary
/// data has NULs on both; the caller still rejects a decoding full of control characters.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let s = &bytes[..bytes.len().min(8192) & !1];
    if s.len() < 8 {
        return None;
    }
    let nuls = |offset: usize| s.iter().skip(offset).step_by(2).filter(|&&b| b == 0).count();
    let (even, odd) = (nuls(0), nuls(1));
    let units = s.len() / 2;
    if odd * 10 >= units && even * 100 <= units {
        Some(UTF_16LE)
    } else if even * 10 >= units && odd * 100 <= units {
        Some(UTF_16BE)
    } else {
        None
    }
}

fn decode_strict(encoding: &'static Encoding, bytes: &[u8]) -> Result<Decoded, (RejectReason, String)> {
    match encoding.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => Ok(Decoded { text: text.into_owned(), encoding: whatwg_label(encoding) }),
        None => Err((
            RejectReason::Undecodable,
            format!("the bytes are not valid {}", whatwg_label(encoding)),
        )),
    }
}

/// encoding_rs names are WHATWG names in canonical case; the codebook wants the lowercase label.
fn whatwg_label(encoding: &'static Encoding) -> String {
    encoding.name().to_ascii_lowercase()
}

fn sample(bytes: &[u8]) -> &[u8] {
    &bytes[..bytes.len().min(8192)]
}

fn control_bytes(bytes: &[u8]) -> usize {
    sample(bytes).iter().filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c)).count()
}

/// Text has almost no C0 controls besides whitespace; binary formats are full of them.
fn looks_binary(bytes: &[u8]) -> bool {
    let s = sample(bytes);
    !s.is_empty() && (s.contains(&0) || control_bytes(bytes) * 100 > s.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode("Kyiv – 14".as_bytes()).unwrap().encoding, "utf-8");
        let d = decode(b"\xEF\xBB\xBFhello").unwrap();
        assert_eq!((d.text.as_str(), d.encoding.as_str()), ("hello", "utf-8"));
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "Killed: 14 soldiers".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let d = decode(&bytes).unwrap();
        assert_eq!((d.text.as_str(), d.encoding.as_str()), ("Killed: 14 soldiers", "utf-16le"));
    }

    #[test]
    fn windows_1251_and_1252() {
        let (cyr, _, _) = encoding_rs::WINDOWS_1251.encode("Погибли четырнадцать военнослужащих в Донецкой области, сообщили власти.");
        assert_eq!(decode(&cyr).unwrap().encoding, "windows-1251");
        let (lat, _, _) = encoding_rs::WINDOWS_1252.encode("The café’s owner said “fourteen” soldiers died – officials confirmed.");
        let d = decode(&lat).unwrap();
        assert_eq!(d.encoding, "windows-1252");
        assert!(d.text.contains("café’s"));
    }

    #[test]
    fn rejects_empty_binary_and_whitespace() {
        assert_eq!(decode(b"").unwrap_err().0, RejectReason::Empty);
        assert_eq!(decode(b"  \n\t ").unwrap_err().0, RejectReason::Empty);
        assert_eq!(decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap_err().0, RejectReason::Binary);
    }

    #[test]
    fn utf16_without_bom_and_utf32() {
        let text = "Two soldiers were wounded in shelling, the governor said.";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let d = decode(&le).unwrap();
        assert_eq!((d.text.as_str(), d.encoding.as_str()), (text, "utf-16le"));
        assert_eq!(decode(&be).unwrap().encoding, "utf-16be");
        let cyr: Vec<u8> = "Погибли четырнадцать военнослужащих, сообщили власти.".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode(&cyr).unwrap().encoding, "utf-16le");
        let mut odd = le.clone();
        odd.push(b'A');
        assert_eq!(decode(&odd).unwrap_err().0, RejectReason::Undecodable, "an odd byte length is not UTF-16");
        let mut utf32 = vec![0xFF, 0xFE, 0, 0];
        utf32.extend(text.chars().flat_map(|c| (c as u32).to_le_bytes()));
        let (reason, detail) = decode(&utf32).unwrap_err();
        assert_eq!(reason, RejectReason::Undecodable);
        assert!(detail.contains("UTF-32"), "{detail}");
        assert_eq!(decode(b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0\x01\0\0\0").unwrap_err().0, RejectReason::Binary);
    }

    #[test]
    fn truncated_utf16_is_undecodable() {
        assert_eq!(decode(&[0xFF, 0xFE, 0x41, 0x00, 0x42]).unwrap_err().0, RejectReason::Undecodable);
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_any_bytes(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2048)) {
            if let Ok(d) = decode(&bytes) {
                proptest::prop_assert!(!d.text.trim().is_empty());
                proptest::prop_assert!(!d.text.contains('\0'));
            }
        }

        #[test]
        fn utf8_and_utf16_round_trip(text in "[a-zA-Z0-9 ,.’“”–ёжщäéß\n]{1,300}") {
            proptest::prop_assume!(!text.trim().is_empty());
            let d = decode(text.as_bytes()).unwrap();
            proptest::prop_assert_eq!((d.text.as_str(), d.encoding.as_str()), (text.as_str(), "utf-8"));
            let mut le = vec![0xFF, 0xFE];
            let mut be = vec![0xFE, 0xFF];
            for u in text.encode_utf16() {
                le.extend_from_slice(&u.to_le_bytes());
                be.extend_from_slice(&u.to_be_bytes());
            }
            proptest::prop_assert_eq!(decode(&le).unwrap().text, text.clone());
            proptest::prop_assert_eq!(decode(&be).unwrap().text, text);
        }
    }
}
