//! Who says it: `according to X`, `X said`, speech after a quote, pronouns resolved to the
//! speaker last named in the paragraph, and the source type of a speaker.

use std::sync::OnceLock;

use regex::Regex;

use super::lex::Lexicon;
use super::text::Token;

/// Words that may stand between a subject and its reporting verb (`has repeatedly said`).
const AUX: &[&str] = &[
    "has", "have", "had", "also", "previously", "repeatedly", "consistently", "later", "earlier", "then", "further", "now",
    "publicly", "officially", "would", "will", "reportedly", "first", "recently", "already", "initially", "vehemently", "never",
    "did", "does", "do", "only", "separately", "subsequently", "quickly", "immediately", "once", "again", "himself", "herself", "itself",
];
const RELATIVE: &[&str] = &["who", "whose", "which", "where", "whom", "when"];
const PASSIVE: &[&str] = &["was", "were", "is", "are", "be", "been", "being"];
const PRONOUNS: &[&str] = &["he", "she", "it", "they", "we", "i"];

/// `according to X`, `told by X`: the X, as a byte span of the sentence.
pub fn according_to(fs: &str) -> Option<(usize, usize)> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?i)\b(?:according\s+to|told\s+by|cited\s+by|quoted\s+by|compiled\s+by|reviewed\s+by|confirmed\s+by|published\s+by|reported\s+by)\s+(?:a\s+post\s+by\s+|a\s+statement\s+(?:by|from)\s+|figures\s+(?:from|by)\s+)?([^,;:.()\x22]+(?:\.[^,;:.()\x22\s][^,;:.()\x22]*)*)")
            .unwrap_or_else(|_| Regex::new(r"\b\B").expect("trivial regex"))
    });
    let c = re.captures(fs)?;
    let m = c.get(1)?;
    let text = m.as_str();
    // Cut a trailing relative clause or time phrase.
    let mut end = m.end();
    for cut in [" who ", " which ", " that ", " in a ", " on ", " after ", " when ", " is ", " was ", " are ", " were ", " has ", " have ", " seen by ", " obtained by ", " reviewed by ", " published by "] {
        if let Some(p) = text.find(cut) {
            end = end.min(m.start() + p);
        }
    }
    let s = fs.get(m.start()..end)?.trim_end();
    if s.is_empty() {
        return None;
    }
    Some((m.start(), m.start() + s.len()))
}

/// Whether a phrase looks like a person's name: two or more capitalized words (initials and
/// particles allowed), none of them a stopword such as a month, a country or an institution.
pub fn is_person_name(s: &str, lex: &Lexicon) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    if words.len() < 2 || words.len() > 5 {
        return false;
    }
    let mut caps = 0;
    for (i, w) in words.iter().enumerate() {
        let bare = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-' && c != '.');
        let lower = bare.trim_end_matches('.').to_lowercase();
        if lower == "dr" && i == 0 {
            continue;
        }
        if matches!(lower.as_str(), "ag" | "al" | "bin" | "ibn" | "de" | "van" | "von" | "der" | "la" | "le") && i > 0 {
            continue;
        }
        // `al-Hamoud`, `bin-Ali`: a particle joined to a capitalized surname.
        if !bare.chars().next().is_some_and(|c| c.is_uppercase()) && !(i > 0 && super::text::particle_joined(bare)) {
            return false;
        }
        if Lexicon::in_list(&lex.raw.name_stopwords, &lower) || lower.ends_with("'s") {
            return false;
        }
        if bare.chars().skip(1).any(|c| c.is_uppercase()) && !bare.contains('-') && !bare.contains('.') {
            // Acronyms (OHCHR) and camel case are not given names.
            return false;
        }
        caps += 1;
    }
    caps >= 2
}

/// A single capitalized word used as a surname (`Vedernikov said`).
pub fn is_surname(s: &str, lex: &Lexicon) -> bool {
    let w = s.trim();
    !w.contains(' ')
        && w.chars().next().is_some_and(|c| c.is_uppercase())
        && w.chars().skip(1).all(|c| c.is_lowercase() || c == '-' || c == '\'')
        && w.chars().count() > 2
        && !Lexicon::in_list(&lex.raw.name_stopwords, &w.to_lowercase())
        && !lex.generic_official_re.is_match(w)
        && !lex.side_cues.iter().any(|c| c.re.is_match(w))
}

/// The subject of the reporting verb at token `v`: a byte span of the sentence.
pub fn subject_before(fs: &str, toks: &[Token<'_>], v: usize, lex: &Lexicon) -> Option<(usize, usize)> {
    // `X acknowledged that ..., saying 14 had been killed`: a participle after a comma shares
    // the subject of the clause's own reporting verb.
    if v >= 1 && toks[v - 1].text == "," && toks[v].lower().ends_with("ing") {
        if let Some(main) = report_verbs(fs, toks, lex).into_iter().filter(|&r| r < v && !toks[r].lower().ends_with("ing")).last() {
            return subject_before(fs, toks, main, lex);
        }
    }
    let mut e = v;
    while e > 0 && toks[e - 1].is_word && AUX.contains(&toks[e - 1].lower().as_str()) {
        e -= 1;
    }
    let mut seg_end = e;
    let mut descriptor: Option<(usize, usize, bool)> = None;
    let finish = |span: (usize, usize)| Some(cut_at_verb(fs, trim_relative(fs, span), lex));
    for _ in 0..5 {
        // The comma closing an appositive (`X, a spokesman for Y, said`).
        let closed_by_comma = seg_end > 0 && toks[seg_end - 1].text == ",";
        if closed_by_comma {
            seg_end -= 1;
        }
        let mut s = seg_end;
        while s > 0 {
            let t = &toks[s - 1];
            // A bracketed acronym belongs to its name: `the UN Office ... (OCHA) said`.
            if t.text == ")" && s >= 3 && toks[s - 3].text == "(" && toks[s - 2].text.chars().all(|c| c.is_uppercase()) {
                s -= 3;
                continue;
            }
            if !t.is_word && matches!(t.text, "," | ";" | ":" | "\"" | "(" | ")" | "-" | "'" | "[" | "]" | ".") {
                break;
            }
            if t.is_word && matches!(t.lower().as_str(), "that" | "but" | "while" | "as" | "because" | "after" | "although" | "though" | "and" | "when") && s < seg_end {
                break;
            }
            s -= 1;
        }
        if s >= seg_end {
            break;
        }
        // The whole comma-delimited piece may be a relative clause split by `and`/`that`
        // (`, whose tallies combine killed and wounded and cannot be verified,`).
        let mut cs = s;
        while cs > 0 && !matches!(toks[cs - 1].text, "," | ";" | ":" | "\"" | "(" | ")") {
            cs -= 1;
        }
        if cs < s && cs > 0 && toks[cs - 1].text == "," && RELATIVE.contains(&toks[cs].lower().as_str()) {
            seg_end = cs - 1;
            continue;
        }
        let first = toks[s].lower();
        let boundary_is_comma = s > 0 && toks[s - 1].text == ",";
        // Adverbial asides (`Ukraine, too, treats`; `for its part`) are not subjects.
        if boundary_is_comma && seg_end - s <= 3 && matches!(first.as_str(), "too" | "also" | "however" | "meanwhile" | "instead" | "though" | "for" | "in" | "on" | "at" | "then" | "again" | "moreover" | "likewise" | "similarly" | "separately") {
            seg_end = s - 1;
            continue;
        }
        // A relative clause: look further back.
        if RELATIVE.contains(&first.as_str()) && boundary_is_comma {
            seg_end = s - 1;
            continue;
        }
        let span = (toks[s].start, toks[seg_end - 1].end);
        let text = fs.get(span.0..span.1)?;
        if seg_end - s > 14 {
            break;
        }
        // `Petro Savych, Ukraine's human rights commissioner, said`: a possessive opens a
        // description as a lowercase word does.
        let starts_lower = toks[s].text.chars().next().is_some_and(|c| c.is_lowercase()) || toks[s].text.ends_with("'s");
        // Only a piece closed by a comma is an appositive: in `..., in the southern Gaza Strip,
        // the military said` the subject is `the military`.
        if starts_lower && boundary_is_comma && closed_by_comma && !PRONOUNS.contains(&first.as_str()) && descriptor.is_none() {
            // `Mikhail Vedernikov, governor of the Pskov region, said`: prefer the name before;
            // `Two officials, speaking on condition of anonymity, said`: prefer any actor before.
            let participle = first.ends_with("ing");
            descriptor = Some((span.0, span.1, participle));
            seg_end = s - 1;
            continue;
        }
        if let Some((ds, de, participle)) = descriptor {
            if !(participle || ends_with_name(text, lex) || is_surname(text, lex)) {
                if participle {
                    return finish(span);
                }
                return finish((ds, de));
            }
        }
        return finish(span);
    }
    descriptor.and_then(|(ds, de, participle)| if participle { None } else { finish((ds, de)) })
}

/// The speaker after an inverted reporting verb: `..." said one of them, Valentina Kuzmina`.
pub fn subject_after(fs: &str, toks: &[Token<'_>], v: usize, lex: &Lexicon) -> Option<(usize, usize)> {
    if v == 0 || !matches!(toks[v - 1].text, "\"" | "'" | ",") {
        return None;
    }
    let mut k = v + 1;
    let end = (v + 12).min(toks.len());
    while k < end {
        // `said Dr. Olena Marchuk`: a title's period does not end the name.
        if toks[k].text == "." && k > 0 && matches!(toks[k - 1].text, "Dr" | "Mr" | "Mrs" | "Ms" | "Prof" | "Gen" | "Col" | "Lt" | "Sgt") {
            k += 1;
            continue;
        }
        if matches!(toks[k].text, "." | ";" | "?" | "!") {
            break;
        }
        if toks[k].is_word && toks[k].is_capitalized() {
            let mut j = k;
            while j + 1 < toks.len() && toks[j + 1].is_word && (toks[j + 1].is_capitalized() || toks[j + 1].text.len() == 2 && toks[j + 1].text.ends_with('.')) {
                j += 1;
            }
            let span = (toks[k].start, toks[j].end);
            let single_name = j == k && toks.get(j + 1).is_none_or(|t| matches!(t.text, "," | "." | ";")) && is_surname(toks[k].text, lex);
            if fs.get(span.0..span.1).is_some_and(|t| ends_with_name(t, lex)) || single_name {
                return Some(span);
            }
            k = j + 1;
            continue;
        }
        k += 1;
    }
    None
}

/// Whether the phrase ends with a person's name (`State Duma deputy Nina Ostrovskaya`).
pub fn ends_with_name(text: &str, lex: &Lexicon) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    (0..words.len()).any(|i| words.len() - i <= 4 && is_person_name(&words[i..].join(" "), lex))
}

/// Cuts a subject phrase before a finite verb it swallowed (`the regional government last
/// year instructed district heads` -> `the regional government`), and before a reporting verb
/// (`the Kremlin said today it` -> `the Kremlin`).
fn cut_at_verb(fs: &str, span: (usize, usize), lex: &Lexicon) -> (usize, usize) {
    const NOT_VERBS: &[&str] = &["armed", "united", "unnamed", "based", "led", "related", "detailed", "red", "hundred", "alleged", "backed", "self-styled", "so-called", "unidentified", "named", "retired", "wounded", "injured", "killed"];
    const TIME_WORDS: &[&str] = &["last", "this", "next", "on", "today", "yesterday", "earlier", "later", "year", "week", "month", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
    let Some(text) = fs.get(span.0..span.1) else { return span };
    let mut offset = 0;
    let mut words: Vec<(usize, &str)> = Vec::new();
    for w in text.split(' ') {
        words.push((offset, w));
        offset += w.len() + 1;
    }
    let mut cut = text.len();
    for (i, (off, w)) in words.iter().enumerate() {
        if i == 0 {
            continue;
        }
        let l = w.to_lowercase();
        let is_report = lex.report_verb_re.find(w).is_some_and(|m| m.start() == 0 && m.end() == w.len());
        // `Relatives say the ministry has refused`: the clause after the reporting verb has
        // its own subject, unless it is a pronoun for the reporter (`the Kremlin said it`).
        if is_report {
            let after: Vec<&str> = text[off + w.len()..].split_whitespace().filter(|x| !TIME_WORDS.contains(&x.to_lowercase().as_str()) && *x != "that").collect();
            if let Some(first) = after.first() {
                // `X said its monitors verified`: the monitors are X's; X is the source.
                // `X claimed responsibility`: an object, not a new subject.
                // `published a figure in 2022`: an object, not a new subject.
                if !PRONOUNS.contains(&first.to_lowercase().as_str()) && !matches!(first.to_lowercase().as_str(), "its" | "their" | "his" | "her" | "our" | "responsibility" | "credit" | "a" | "an") {
                    let start_in = text[off + w.len()..].find(first).map(|p| *off + w.len() + p).unwrap_or(*off);
                    return (span.0 + start_in, span.1);
                }
            }
        }
        // Auxiliaries end a subject too (`Russia's Defence Ministry has not commented`).
        let is_aux = matches!(l.as_str(), "has" | "have" | "had" | "is" | "was" | "are" | "were" | "does" | "did" | "do" | "will" | "would" | "not" | "never" | "could" | "can" | "may" | "must");
        // Irregular past tenses of news prose (`Ethiopia fought a war ... and has never said`).
        const IRREGULAR: &[&str] = &[
            "fought", "sent", "took", "gave", "made", "kept", "won", "struck", "began", "brought", "came", "went", "ran", "fled", "left", "saw", "found",
            "lost", "held", "spent", "became", "met", "paid", "wrote", "shot", "hit", "knew", "thought", "told", "stood", "withdrew", "overran",
        ];
        let is_verb = (l.ends_with("ed") && w.chars().next().is_some_and(|c| c.is_lowercase()) && !NOT_VERBS.contains(&l.as_str())) || is_report || is_aux || IRREGULAR.contains(&l.as_str());
        if is_verb {
            cut = *off;
            break;
        }
    }
    // Drop trailing time words left before the verb.
    let mut kept: Vec<&str> = text[..cut].split_whitespace().collect();
    while kept.len() > 1 && kept.last().is_some_and(|w| TIME_WORDS.contains(&w.to_lowercase().as_str())) {
        kept.pop();
    }
    let len = kept.join(" ").len();
    if len == 0 {
        return span;
    }
    // `In a statement on Friday it said`, `Three weeks later it acknowledged`: the subject is
    // the pronoun; what precedes it is an adverbial.
    if kept.len() > 1 && kept.last().is_some_and(|w| PRONOUNS.contains(&w.to_lowercase().as_str())) {
        let last_len = kept.last().map_or(0, |w| w.len());
        return (span.0 + len - last_len, span.0 + len.min(text.len()));
    }
    (span.0, span.0 + len.min(text.len()))
}

fn trim_relative(fs: &str, span: (usize, usize)) -> (usize, usize) {
    let Some(text) = fs.get(span.0..span.1) else { return span };
    let mut end = text.len();
    for cut in [" who ", " which ", " whose ", " that "] {
        if let Some(p) = text.find(cut) {
            end = end.min(p);
        }
    }
    (span.0, span.0 + end)
}

/// Reporting verbs of the sentence (token indices), excluding passives (`were said to`).
pub fn report_verbs(fs: &str, toks: &[Token<'_>], lex: &Lexicon) -> Vec<usize> {
    let mut out = Vec::new();
    for m in lex.report_verb_re.find_iter(fs) {
        let Some(i) = toks.iter().position(|t| t.start == m.start()) else { continue };
        if i > 0 && PASSIVE.contains(&toks[i - 1].lower().as_str()) {
            continue;
        }
        // A noun, not a verb: `the reports of`, `its claims`.
        if i > 0 && matches!(toks[i - 1].lower().as_str(), "the" | "a" | "an" | "its" | "their" | "his" | "her" | "these" | "those" | "such" | "our" | "latest" | "new") {
            continue;
        }
        if toks.get(i + 1).is_some_and(|t| matches!(t.lower().as_str(), "of" | "from")) {
            continue;
        }
        // `on Ukrainian claims that`: a noun after a preposition.
        // `political claims`, `the latest reports`: after a lowercase word these are nouns,
        // unless that word is a pronoun or a speaking body (`sources report`).
        if matches!(toks[i].lower().as_str(), "claims" | "claim" | "reports" | "report" | "estimates")
            && i > 0
            && toks[i - 1].is_word
            && !toks[i - 1].is_capitalized()
            && !matches!(toks[i - 1].lower().as_str(), "he" | "she" | "it" | "they" | "officials" | "sources" | "ministry" | "government" | "authorities" | "military" | "army" | "police" | "group" | "agency" | "media" | "analysts" | "activists" | "researchers" | "monitors")
        {
            continue;
        }
        if matches!(toks[i].lower().as_str(), "claims" | "claim" | "reports" | "report" | "estimates") && toks[i.saturating_sub(2)..i].iter().any(|t| matches!(t.lower().as_str(), "on" | "of" | "about" | "to" | "with" | "for" | "over" | "despite" | "amid")) {
            continue;
        }
        // `saying` after a noun phrase is fine; `said to be` is a hedge, not a speaker.
        if toks.get(i + 1).is_some_and(|t| t.lower() == "to") && toks.get(i + 2).is_some_and(|t| matches!(t.lower().as_str(), "be" | "have")) {
            continue;
        }
        out.push(i);
    }
    out
}

/// Paragraph memory for pronouns: the last person and the last body that spoke.
#[derive(Debug, Clone, Default)]
pub struct Speakers {
    pub last_person: Option<String>,
    pub last_actor: Option<String>,
    /// The role words the last person was introduced with (`governor` of `Governor Vyacheslav
    /// Gladkov`), lowercased; empty when none was written.
    pub last_person_role: String,
}

impl Speakers {
    /// Resolves `he`/`she`/`it`/`they` to the last named speaker, and `the governor`, `the
    /// ministry` to the last person or body so described; other text is kept.
    pub fn resolve(&self, text: &str) -> Option<String> {
        let lower = text.trim().to_lowercase();
        let words: Vec<&str> = lower.split_whitespace().collect();
        if words.len() >= 2 && words.len() <= 3 && matches!(words[0], "the" | "a") {
            let last = words[words.len() - 1];
            const ROLES: &[&str] = &["governor", "minister", "spokesman", "spokeswoman", "spokesperson", "official", "commander", "mayor", "president", "head", "chief", "deputy", "director", "general", "officer", "lawmaker", "senator", "ambassador"];
            // `the commander` is not the last person if that person was introduced in
            // another role (`Governor Vyacheslav Gladkov`).
            let other_role = ROLES.iter().any(|r| self.last_person_role.split_whitespace().any(|w| w == *r)) && !self.last_person_role.split_whitespace().any(|w| w == last);
            if ROLES.contains(&last) && !other_role {
                if let Some(p) = &self.last_person {
                    return Some(p.clone());
                }
            }
            if let Some(a) = &self.last_actor {
                // `the headquarters` -> `Ukraine's Coordination Headquarters for ... of War`.
                if a.to_lowercase().split_whitespace().any(|w| w == last) {
                    // `the army` after `An Israeli army spokesperson`: the army itself.
                    return Some(super::statements::without_spokesperson(a).to_string());
                }
            }
        }
        match lower.as_str() {
            // `the group`, `the militia`: the body last named, whatever it called itself.
            "the group" | "the militia" | "the movement" | "the organisation" | "the organization" => self.last_actor.clone().or_else(|| Some(text.trim().to_string())),
            "he" | "she" => self.last_person.clone(),
            "it" | "they" => self.last_actor.clone().or_else(|| self.last_person.clone()),
            "we" | "i" => self.last_person.clone().or_else(|| self.last_actor.clone()),
            _ => Some(text.trim().to_string()),
        }
    }

    pub fn remember(&mut self, text: &str, lex: &Lexicon) {
        let t = strip_titles(text.trim(), lex);
        let t = t.as_str();
        if t.is_empty() || PRONOUNS.contains(&t.to_lowercase().as_str()) {
            return;
        }
        if is_person_name(t, lex) || is_surname(t, lex) {
            if self.last_person.as_deref() != Some(t) {
                // What preceded the name is its role, if anything (`Kremlin spokesman`).
                self.last_person_role = text.trim().strip_suffix(t).unwrap_or("").to_lowercase();
            }
            self.last_person = Some(t.to_string());
        } else {
            self.last_actor = Some(t.to_string());
        }
    }
}

/// A speaker phrase without leading titles and ranks (`Mr Yavlinsky` -> `Yavlinsky`), if what
/// remains is a name; else the phrase itself.
pub fn strip_titles(text: &str, lex: &Lexicon) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    for i in 0..words.len() {
        let rest = words[i..].join(" ");
        let head = words[i].trim_end_matches('.').to_lowercase();
        let is_title = Lexicon::in_list(&lex.raw.ranks, &head) || matches!(head.as_str(), "mr" | "mrs" | "ms" | "dr" | "president" | "governor" | "minister" | "spokesman" | "spokeswoman" | "deputy" | "senator" | "general");
        if is_person_name(&rest, lex) || (i + 1 == words.len() && i > 0 && is_surname(&rest, lex)) {
            return rest;
        }
        if !is_title && i > 0 {
            break;
        }
    }
    text.to_string()
}

/// `official_<side>` for a side.
pub fn official_of(side: &str) -> String {
    match side {
        "russia" => "official_russia".to_string(),
        "ukraine" => "official_ukraine".to_string(),
        _ => "official_other".to_string(),
    }
}

/// The first side cue in a text (russia, ukraine, other), if any.
pub fn side_in(text: &str, lex: &Lexicon) -> Option<String> {
    let mut best: Option<(usize, String)> = None;
    for c in &lex.side_cues {
        if !matches!(c.label.as_str(), "russia" | "ukraine" | "other") {
            continue;
        }
        if let Some(m) = c.re.find(text) {
            if best.as_ref().is_none_or(|(p, _)| m.start() < *p) {
                best = Some((m.start(), c.label.clone()));
            }
        }
    }
    best.map(|b| b.1)
}

/// Source type of a source phrase, using the sentence (anonymity cues), the document (what the
/// article says about a named person) and a side hint for generic officials.
pub fn classify_source(src: &str, sentence: &str, doc: &str, lex: &Lexicon, side_hint: &str) -> String {
    let named = is_person_name(src, lex) || is_surname(src, lex);
    for k in &lex.known_speakers {
        if k.re.is_match(src) {
            return k.label.clone();
        }
    }
    if !named && lex.unnamed_re.is_match(sentence) && !lex.unnamed_re.is_match(src) {
        // An anonymous official in the sentence, but this phrase may be a named body.
        if !lex.source_types.iter().any(|t| t.label != "unnamed" && t.re.is_match(src)) || src.to_lowercase().contains("official") {
            return "unnamed".to_string();
        }
    }
    // A country or capital speaking as a state (`Russia denied`, `Kyiv says`).
    let trimmed = src.trim();
    for c in &lex.side_cues {
        if matches!(c.label.as_str(), "russia" | "ukraine") && c.re.find(trimmed).is_some_and(|m| m.start() == 0 && m.end() == trimmed.len()) {
            return official_of(&c.label);
        }
    }
    if let Some(t) = classify_phrase(src, lex, side_hint, true) {
        return t;
    }
    if named {
        // What the article says about this person: first the title or apposition right at the
        // first mention (`Governor Viktor Rudakov`, `X, a researcher at`), then more context.
        let last = src.split_whitespace().last().unwrap_or(src);
        if let Some(pos) = doc.find(last) {
            let near_from = floor_char(doc, pos.saturating_sub(50));
            let mut near_to = floor_char(doc, (pos + last.len() + 70).min(doc.len()));
            // The role ends where the person starts speaking: in `Major Ivan Soloviy, a spokesman
            // for the Khortytsia group, said Russia had ...`, Russia is what he speaks about.
            if let Some(v) = lex.report_verb_re.find(&doc[pos + last.len()..near_to]) {
                near_to = pos + last.len() + v.start();
            }
            let near = &doc[near_from..near_to];
            for k in &lex.known_speakers {
                if k.re.is_match(near) {
                    return k.label.clone();
                }
            }
            let role_side = side_in(near, lex).unwrap_or_else(|| side_hint.to_string());
            let non_official = lex.source_types.iter().filter(|t| matches!(t.label.as_str(), "activist" | "media")).filter_map(|t| t.re.find(near).map(|m| (m.start(), t.label.clone()))).min();
            let official = lex.generic_official_re.find(near).map(|m| m.start());
            match (official, non_official) {
                (Some(o), Some((n, label))) => return if n < o { label } else { official_of(&role_side) },
                (Some(_), None) => return official_of(&role_side),
                (None, Some((_, label))) => return label,
                _ => {}
            }
            let from = floor_char(doc, pos.saturating_sub(40));
            let to = floor_char(doc, (pos + last.len() + 160).min(doc.len()));
            let ctx = &doc[from..to];
            if let Some(t) = classify_phrase(ctx, lex, side_hint, false) {
                return t;
            }
        }
        return official_of(side_hint);
    }
    // A named body the lexicon does not know (`The RSF`, `Hamas`): what the text around its
    // first mention says (`A Telegram group for relatives, Searching for Our Own`), else an
    // official of its side.
    let proper = src.split_whitespace().enumerate().any(|(i, w)| {
        w.chars().next().is_some_and(char::is_uppercase) && !(i == 0 && matches!(w.to_lowercase().as_str(), "the" | "a" | "an" | "its" | "their" | "his" | "her"))
    });
    if proper {
        if let Some(pos) = doc.find(src.trim()) {
            let near_from = floor_char(doc, pos.saturating_sub(60));
            let near_to = floor_char(doc, (pos + src.trim().len() + 60).min(doc.len()));
            let near = &doc[near_from..near_to];
            let non_official = lex.source_types.iter().filter(|t| matches!(t.label.as_str(), "activist" | "media")).filter_map(|t| t.re.find(near).map(|m| (m.start(), t.label.clone()))).min();
            if let Some((_, label)) = non_official {
                if !lex.generic_official_re.is_match(src) {
                    return label;
                }
            }
        }
    }
    if proper && !lex.unnamed_re.is_match(sentence) {
        return official_of(&side_in(src, lex).unwrap_or_else(|| side_hint.to_string()));
    }
    "unnamed".to_string()
}

fn classify_phrase(s: &str, lex: &Lexicon, side_hint: &str, allow_unnamed: bool) -> Option<String> {
    // The head noun of the phrase itself decides first when it names a non-official source:
    // `a Russian military blogger`, `researchers at the University`, `a pro-Kremlin TV channel`.
    if allow_unnamed {
        let head = s
            .split_whitespace()
            .take_while(|w| !matches!(w.to_lowercase().as_str(), "of" | "at" | "for" | "in" | "from" | "with" | "on"))
            .last()
            .unwrap_or("")
            .trim_matches(|c: char| !c.is_alphanumeric());
        // Only heads that are never official (`UN monitors` are the UN's).
        const NON_OFFICIAL_HEADS: &[&str] = &[
            "blogger", "bloggers", "journalist", "journalists", "reporter", "reporters", "correspondent", "commentator", "analyst", "analysts", "researcher",
            "researchers", "expert", "experts", "activist", "activists", "volunteer", "volunteers", "channel", "newspaper", "outlet",
        ];
        if NON_OFFICIAL_HEADS.contains(&head.to_lowercase().as_str()) {
            for t in lex.source_types.iter().filter(|t| matches!(t.label.as_str(), "activist" | "media")) {
                if t.re.find(head).is_some_and(|m| m.start() == 0 && m.end() == head.len()) {
                    return Some(t.label.clone());
                }
            }
        }
    }
    let mut best: Option<(usize, usize, String)> = None;
    for (rank, t) in lex.source_types.iter().enumerate() {
        if t.label == "unnamed" && !allow_unnamed {
            continue;
        }
        if let Some(m) = t.re.find(s) {
            // The phrase's own words decide: the earliest cue wins, then the list order.
            let key = (m.start(), rank);
            if best.as_ref().is_none_or(|(p, r, _)| key < (*p, *r)) {
                best = Some((m.start(), rank, t.label.clone()));
            }
        }
    }
    if let Some((_, _, label)) = best {
        return Some(label);
    }
    if lex.generic_official_re.is_match(s) {
        let side = side_in(s, lex).unwrap_or_else(|| side_hint.to_string());
        return Some(official_of(&side));
    }
    None
}

/// The largest char boundary at or below `i`.
pub fn floor_char(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}
