//! Tests of the normalize stage: each boilerplate family, captions, Unicode, repeats, the five
//! seed articles against their gold evidence, and idempotence as a property.

use proptest::prelude::*;

use super::*;

/// The built-in rules, compiled once for all tests.
fn normalizer() -> &'static Normalizer {
    static NORMALIZER: std::sync::OnceLock<Normalizer> = std::sync::OnceLock::new();
    NORMALIZER
        .get_or_init(|| Normalizer::from_lexicons(&LexiconSet::builtin()).expect("built-in lexicons parse"))
}

fn paragraphs(n: &NormalizedText) -> Vec<&str> {
    n.paragraphs.iter().map(|p| &n.text[p.start..p.end]).collect()
}

fn zone_of(n: &NormalizedText, starts_with: &str) -> Zone {
    n.paragraphs
        .iter()
        .find(|p| n.text[p.start..p.end].starts_with(starts_with))
        .unwrap_or_else(|| panic!("no paragraph starts with {starts_with:?} in {:#?}", paragraphs(n)))
        .zone
}

/// The codebook's whitespace folding: any run of whitespace is one space.
fn fold(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

const BODY: &str = "Russian opposition activists released a report saying at least 220 serving Russian soldiers were killed in fighting in east Ukraine.";

/// Asserts the structural invariants every output must keep.
fn check_invariants(n: &NormalizedText) {
    let mut expected = String::new();
    for (i, p) in n.paragraphs.iter().enumerate() {
        assert!(p.start < p.end, "empty paragraph {i}");
        assert!(n.text.is_char_boundary(p.start) && n.text.is_char_boundary(p.end));
        if i > 0 {
            expected.push_str("\n\n");
        }
        assert_eq!(p.start, expected.len());
        let para = &n.text[p.start..p.end];
        assert!(!para.contains('\n') && para.trim() == para && !para.contains("  "), "{para:?}");
        expected.push_str(para);
    }
    assert_eq!(expected, n.text);
    assert!(n.boilerplate_chars_removed >= 0);
}

/// Each family of boilerplate: the line goes, the body stays, the count is exact.
#[test]
fn boilerplate_families_are_removed() {
    let families: &[&str] = &[
        // donation appeals
        "Support The Moscow Times!",
        "Support the Northern Ledger",
        "Now is the time to support independent reporting from Russia!",
        "Contribute Today",
        "Donate",
        "Independent reporting on Russia, read by millions inside the country. Donate today",
        "Your support, no matter how small, makes a world of difference. If you can, please support us monthly starting from just $2.",
        "The Volga Courier works without advertising and without state money. Russia has blocked our website, and we rely entirely on our readers. Support us: even 300 rubles a month keeps an independent newsroom alive.",
        "FactLine is an independent, reader-funded fact-checking service. Spotted something we should check? Write to us.",
        // newsletters
        "Sign up for our free weekly newsletter",
        "Sign up for Ledger Weekly",
        "Subscribe",
        "Subscribe to The Continental Review for $1 a week. Cancel anytime.",
        "Subscribers agree to the Privacy Policy",
        "The week\u{2019}s most important stories from Russia, in your inbox every Friday.",
        "Enter your email",
        "By subscribing, you agree to our privacy policy.",
        // share, follow, cookies, ads
        "Share this article",
        "Share on Facebook",
        "Share: Telegram \u{00B7} VK \u{00B7} X \u{00B7} Copy link",
        "Share  |  Facebook  |  X  |  LinkedIn  |  Email",
        "Follow us on Telegram",
        "We use cookies to improve your experience. By continuing you accept our cookie policy.",
        "Advertisement",
        "ADVERTISEMENT",
        // related links and teasers
        "Read more",
        "Read more: Russia\u{2019}s Regions Quietly Stop Publishing Death Notices",
        "Related: Why Congress Thinks Obama Isn\u{2019}t a War President",
        "Read also: Kyiv says 40 drones downed overnight",
        "More on this story",
        "Most viewed",
        "This article was originally published by Meduza.",
        "Scroll down for video",
        "Sign in",
        // photo credits
        "Photo: Reuters",
        "Photo: Oleksandr Klymenko/Reuters",
        "(AP Photo/Efrem Lukatsky)",
        "Getty Images",
        "Alexander Ryumin / TASS",
        "(Photo: Reuters)",
        // bylines and sign-offs
        "By Olena Tkach and Mark Ellery",
        "Reporting by Olena Tkach in Kyiv; Editing by Mark Ellery",
    ];
    let n = normalizer();
    for line in families {
        let raw = format!("{BODY}\n\n{line}\n\n{BODY} Again.");
        let out = n.run(&raw);
        check_invariants(&out);
        let folded_line = fold(line);
        assert!(!out.text.contains(&folded_line), "not removed: {line:?}\n{}", out.text);
        assert_eq!(paragraphs(&out).len(), 2, "{line:?}: {:#?}", paragraphs(&out));
        assert_eq!(out.boilerplate_chars_removed as usize, folded_line.chars().count(), "{line:?}");
    }
}

/// List headers take the teasers under them; body paragraphs after a blank line stay.
#[test]
fn list_blocks_are_removed_with_their_teasers() {
    let raw = "TOP STORIES\nEU agrees 16th sanctions package on anniversary of invasion\nKyiv marathon to go ahead despite air-raid threat\n\n\
               Three years after Russian troops crossed into Ukraine, there is still no reliable count.\n\n\
               Read more:\nZaporizhzhia nuclear plant loses external power for eighth time\nRussia\u{2019}s central bank raises key rate to 15%\n\n\
               MOST READ\n1. Estonia expels Russian diplomat over GPS jamming\n2. Latvia to reintroduce conscription for women, minister says";
    let out = normalizer().run(raw);
    assert_eq!(
        paragraphs(&out),
        vec!["Three years after Russian troops crossed into Ukraine, there is still no reliable count."]
    );
}

/// At the end of a page, teasers under a header may be set off by blank lines; in mid-article
/// a short line after a blank line may be a section head and stays.
#[test]
fn trailing_teasers_after_a_header_are_removed() {
    let n = normalizer();
    let raw = format!("{BODY}\n\nRead more:\n\nStrike on Kharkiv kills five\n\nPhoto: Reuters\n\nKremlin says talks stalled");
    assert_eq!(n.run(&raw).text, BODY);
    let raw = format!("{BODY}\n\nRead more\n\nTroops on Border\n\n{BODY} Again.");
    assert_eq!(paragraphs(&n.run(&raw)), vec![BODY, "Troops on Border", &format!("{BODY} Again.")]);
}

/// The donation box of The Moscow Times spans several blank-line paragraphs.
#[test]
fn donation_block_is_removed_whole() {
    let raw = "Body sentence one.\n\nA Message from The Moscow Times:\n\nDear readers,\n\nWe are facing unprecedented challenges.\n\n\
               These actions are direct attempts to silence independent journalism in Russia.\n\nOnce\nMonthly\nAnnual\nContinue\n\
               Not ready to support today?\nRemind me later.\n\nRead more";
    let out = normalizer().run(raw);
    assert_eq!(out.text, "Body sentence one.");
}

/// Sentences that look like boilerplate but are the article.
#[test]
fn similar_body_sentences_are_kept() {
    let keep: &[&str] = &[
        "Read more than 200 letters from the families of missing soldiers, the deputy said.",
        "Support for the war has fallen among young Russians, a poll by the Levada Center showed.",
        "Western countries pledged to contribute troops to a reassurance force.",
        "Volunteers urged residents to donate blood at the city hospital after the strike.",
        "By Saturday 644 had been killed, he said.",
        "By Monday, Russian forces had advanced two kilometres.",
        "Subscribers of the Telegram channel shared photos of the funerals.",
        "Share prices in Moscow fell 3% after the announcement.",
        "Related reports said at least 14 soldiers were killed in the raid.",
        "Troops on Border",
        "Putin Classifies Information on Deaths of Russian Troops on Special Missions",
        "Death toll in Kharkiv rises to four",
        "UN: at least 163 civilians killed in May",
        "Join our forces, the commander urged the volunteers.",
        "By signing up, recruits receive a bonus of 195,000 rubles.",
        "Reporting by the BBC suggested that 40 soldiers were killed.",
        "Ukraine hopes to become a member of NATO, which would make a contribution to its security.",
        "\u{201C}Your support will help us win,\u{201D} Zelensky told allies.",
        "Kyiv sent the message via Telegram",
        "Heavy Losses Reported Near Bakhmut",
        "The regional administration did not respond to written questions about the discrepancy.",
    ];
    let n = normalizer();
    for line in keep {
        let out = n.run(&format!("{BODY}\n\n{line}"));
        assert_eq!(paragraphs(&out), vec![BODY, line], "{line:?}");
        assert_eq!(out.boilerplate_chars_removed, 0, "{line:?}");
        assert_eq!(out.paragraphs[1].zone, Zone::Body, "{line:?}");
    }
}

#[test]
fn captions_are_marked() {
    let n = normalizer();
    let raw = "Putin Denies Mercenary Deaths\n\n\
               Kremlin lies: President Vladimir Putin is accused of covering-up his reliance on mercenary soldiers, pictured, to minimise the extent of regular army casualties in Syria\n\
               Both U.S. and Russian sources report that more than 200 contract soldiers were killed.\n\
               Killed: Vladimir Loginov and Igor Kosoturov were both reportedly killed in Syria this month\n\
               Russian mercenary soldier Alexey Ladygin, 26, from Ryazan, perished in Syria last week\n\
               Dead: Stanislav Matveyev, 38, was also reported killed in Syria\n\
               Making friends: Utkin, far right, is photographed with other Wagner army chiefs and Putin at a Kremlin ceremony\n\
               Mourning: relatives gather at the grave of Private Yegor Lapin, killed near Avdiivka in January, in the village of Sosnovka on March 9. Photo: Northern Ledger\n\
               A Ukrainian serviceman rests in a trench near Avdiivka in the Donetsk region, November 6, 2023.\nPhoto: Oleksandr Klymenko/Reuters\n\
               The General Staff put total Russian losses at about 304,000 personnel.";
    let out = n.run(raw);
    check_invariants(&out);
    for caption in [
        "Kremlin lies:",
        "Killed:",
        "Russian mercenary soldier Alexey",
        "Dead:",
        "Making friends:",
        "Mourning:",
        "A Ukrainian serviceman",
    ] {
        assert_eq!(zone_of(&out, caption), Zone::Caption, "{caption}");
    }
    for body in ["Putin Denies", "Both U.S.", "The General Staff"] {
        assert_eq!(zone_of(&out, body), Zone::Body, "{body}");
    }
    // A credit in parentheses ends a caption too.
    let out =
        n.run("Body one.\n\nRescuers search the rubble in Sumy on Saturday. (Photo: Reuters)\n\nBody two.");
    assert_eq!(paragraphs(&out)[1], "Rescuers search the rubble in Sumy on Saturday.");
    assert_eq!(out.paragraphs[1].zone, Zone::Caption);
    let out = n.run(raw);
    // The credit at the end of a caption is removed, the caption kept.
    assert!(out.text.contains("in the village of Sosnovka on March 9.\n\n"));
    assert!(!out.text.contains("Northern Ledger") && !out.text.contains("Klymenko"));
}

#[test]
fn wire_captions_and_sign_offs() {
    let n = normalizer();
    let raw = "Russian missile strike kills 11 in Kryvyi Rih\n\n\
               FILE PHOTO: Rescuers work at the site of an apartment building hit by a missile in Kryvyi Rih, June 13, 2023. REUTERS/Stringer/File Photo\n\n\
               A Russian missile strike killed 11 people, the governor said.\n\n\
               Associated Press writer John Doe in Kyiv contributed to this report.\n\n\
               CNN’s Jane Roe contributed reporting.\n\n\
               Source: Al Jazeera and news agencies\n\n\
               Our Standards: The Thomson Reuters Trust Principles.";
    let out = n.run(raw);
    check_invariants(&out);
    assert_eq!(zone_of(&out, "FILE PHOTO:"), Zone::Caption);
    assert_eq!(zone_of(&out, "A Russian missile"), Zone::Body);
    for gone in ["REUTERS/Stringer", "contributed to this report", "contributed reporting", "news agencies", "Trust Principles"] {
        assert!(!out.text.contains(gone), "{gone:?} is still in the text");
    }
    // A body sentence about contributions stays.
    let out = n.run("Body.\n\nThe writer John Smith contributed $500 to the fund, officials said, adding that 12 soldiers had died.");
    assert!(out.text.contains("contributed $500"));
}

#[test]
fn trailing_photographer_name_is_stripped_from_a_caption() {
    let n = normalizer();
    let raw = "Putin Classifies Information on Deaths\n\n\
               Russian President Vladimir Putin speaking at a meeting in the Kremlin Thursday. Alexei Druzhinin\n\n\
               Smoke rises over a building in the town of Shebekino damaged in a shelling attack on June 9. Alexander Ryumin / TASS\n\n\
               President Vladimir Putin on Thursday declared all deaths of Russian soldiers during special operations to be classified. Alexei Druzhinin said so.";
    let out = n.run(raw);
    assert_eq!(zone_of(&out, "Russian President"), Zone::Caption);
    assert_eq!(zone_of(&out, "Smoke rises"), Zone::Caption);
    assert_eq!(zone_of(&out, "President Vladimir"), Zone::Body);
    let paras = paragraphs(&out);
    assert_eq!(paras[1], "Russian President Vladimir Putin speaking at a meeting in the Kremlin Thursday.");
    assert_eq!(
        paras[2],
        "Smoke rises over a building in the town of Shebekino damaged in a shelling attack on June 9."
    );
    assert!(paras[3].ends_with("Alexei Druzhinin said so."));
    assert_eq!(
        out.boilerplate_chars_removed as usize,
        " Alexei Druzhinin".len() + " Alexander Ryumin / TASS".len()
    );
}

#[test]
fn standalone_photographer_name_goes_but_a_list_of_names_stays() {
    let n = normalizer();
    let out = n.run("Body one.\n\nRussian President Vladimir Putin speaking at a meeting in the Kremlin Thursday.\nAlexei Druzhinin\n\nBody two.");
    assert_eq!(
        paragraphs(&out)[1],
        "Russian President Vladimir Putin speaking at a meeting in the Kremlin Thursday."
    );
    assert_eq!(out.paragraphs[1].zone, Zone::Caption);
    assert_eq!(paragraphs(&out).len(), 3);
    // The same shape, but a list of the dead: every name stays.
    let out = n.run("The regional governor published the names of the dead on Monday.\nIvan Petrov\nSergei Ivanov\nOleg Smirnov");
    assert_eq!(paragraphs(&out).len(), 4);
    // A repeated name does not make a list.
    let raw = "Body one.\n\nSmoke rises over a building in the town of Shebekino.\nAlexei Druzhinin\nAlexei Druzhinin\n\nBody two.";
    let out = n.run(raw);
    assert_eq!(paragraphs(&out).len(), 3);
    assert_eq!(n.run(&out.text).text, out.text);
}

#[test]
fn colons_in_body_and_headlines_are_not_captions() {
    let n = normalizer();
    let not_captions = [
        "Asked by Reuters if this indicated Russia planned an invasion of Ukraine, Kremlin spokesman Peskov told a conference call with reporters: \"I find the wording of this question inappropriate.\"",
        "A military analyst said: \u{2018}Russia is putting these mercenary forces in harms way on the ground, while the regular army and Air Force are not at the frontline.",
        "CLAIM: A screenshot shared thousands of times on X, Facebook and Telegram says 71,000 Russian servicemen have died in Ukraine.",
        "FACT CHECK: No, Russia\u{2019}s Defence Ministry has not admitted that 71,000 of its soldiers were killed",
        "Russia-Ukraine war live: 90 Ukrainian defenders freed in prisoner swap; Kharkiv bomb strike kills three",
        "UN: at least 163 civilians killed in May",
        "Ukraine says Russia lost over 500 troops in a day as Avdiivka assault grinds on",
        "Troops on Border",
        "Russian soldiers were seen looting shops in Kherson, villagers say",
        "Pictures of a handful of the mercenaries who perished in Syria in the past week have emerged.",
    ];
    for para in not_captions {
        let out = n.run(&format!("{BODY}\n\n{para}\n\n{BODY} Again."));
        assert_eq!(zone_of(&out, &para[..10]), Zone::Body, "{para}");
    }
    // A credit after a headline does not make the headline a caption.
    let out =
        n.run("Ukraine says Russia lost over 500 troops in a day\n\nPhoto: AFP\n\nBody text follows here.");
    assert_eq!(zone_of(&out, "Ukraine says"), Zone::Body);
    // A credit after reported speech does not either.
    let out = n.run("Body one.\n\nThe ministry said 40 soldiers were killed.\n\nPhoto: AFP\n\nBody two.");
    assert_eq!(zone_of(&out, "The ministry"), Zone::Body);
}

#[test]
fn unicode_is_normalized() {
    let n = normalizer();
    let raw = "\u{FEFF}President\u{00A0}Vladimir Putin on\u{00A0}Thursday\u{200B} declared\r\nall deaths secret.\r\n\r\nSecond\u{2009}\u{2009}paragraph \u{201C}quoted\u{201D} \u{2013} dash.\u{2029}Third cafe\u{0301}.";
    let out = n.run(raw);
    assert_eq!(
        paragraphs(&out),
        vec![
            // The first line stops mid-sentence and the next word would not have fitted: the
            // two lines are one hard-wrapped paragraph.
            "President Vladimir Putin on Thursday declared all deaths secret.",
            "Second paragraph \u{201C}quoted\u{201D} \u{2013} dash.",
            "Third caf\u{e9}."
        ]
    );
    // CRLF, BOM and no-break spaces give the same text as their plain forms.
    let plain = n.run("President Vladimir Putin on Thursday declared\nall deaths secret.\n\nSecond paragraph \u{201C}quoted\u{201D} \u{2013} dash.\nThird caf\u{e9}.");
    assert_eq!(out.text, plain.text);
}

#[test]
fn repeated_paragraphs_are_kept_once_and_counted() {
    let n = normalizer();
    let para = "However, the Kremlin said today it had no information about Russian mercenaries reportedly being killed in Syria.";
    let variant = "HOWEVER the Kremlin said today it had no information about Russian mercenaries \u{2018}reportedly\u{2019} being killed in Syria";
    let raw = format!("{para}\n{BODY}\n{para}\n\n{variant}");
    let out = n.run(&raw);
    assert_eq!(paragraphs(&out), vec![para, BODY]);
    assert_eq!(out.boilerplate_chars_removed as usize, para.chars().count() + variant.chars().count());
}

#[test]
fn hard_wrapped_wire_is_rejoined() {
    let n = normalizer();
    // Wrapped greedily at 70 columns, paragraphs separated by a single newline only.
    let raw = "MOSCOW, May 28 (Reuters) - President Vladimir Putin on Thursday\n\
               declared all deaths of Russian soldiers during special operations\n\
               to be classified as a state secret, a move that comes as Moscow\n\
               stands accused of sending soldiers to fight in Ukraine.\n\
               Putin, who has repeatedly denied any involvement of Russian troops\n\
               in a pro-Russian rebellion there, amended a decree.";
    let out = n.run(raw);
    let paras = paragraphs(&out);
    assert_eq!(paras.len(), 2, "{paras:#?}");
    assert!(paras[0].contains("on Thursday declared all deaths"));
    assert!(paras[1].contains("Russian troops in a pro-Russian"));
}

#[test]
fn lexicon_errors_name_file_and_line() {
    let dir = std::env::temp_dir().join(format!("normalize-lexicon-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("boilerplate.txt"), "# ok\nline: (unclosed\n").unwrap();
    std::fs::write(dir.join("captions.txt"), "label: killed\n").unwrap();
    std::fs::write(dir.join("extract.json"), "{}").unwrap();
    let lex = LexiconSet::from_dir(&dir).unwrap();
    match Normalizer::from_lexicons(&lex) {
        Err(LexiconError::Invalid { file, line, .. }) => {
            assert_eq!((file.as_str(), line), ("boilerplate.txt", 2))
        }
        other => panic!("{other:?}"),
    }
    // An outlet section applies only to texts its `when` finds.
    std::fs::write(
        dir.join("boilerplate.txt"),
        "line: Generic furniture\n[outlet The Ledger]\nwhen: The Ledger\nline: Buy the Ledger\n",
    )
    .unwrap();
    std::fs::write(dir.join("captions.txt"), "label: killed\n").unwrap();
    let custom = Normalizer::from_lexicons(&LexiconSet::from_dir(&dir).unwrap()).unwrap();
    assert_eq!(
        custom.run("Body from The Ledger.\nBuy the Ledger\nGeneric furniture").text,
        "Body from The Ledger."
    );
    assert_eq!(
        custom.run("Body from elsewhere.\nBuy the Ledger\nGeneric furniture").text,
        "Body from elsewhere.\n\nBuy the Ledger"
    );
    std::fs::write(dir.join("boilerplate.txt"), "line: ok\n").unwrap();
    std::fs::write(dir.join("captions.txt"), "\nlabels: killed\n").unwrap();
    let lex = LexiconSet::from_dir(&dir).unwrap();
    assert!(matches!(Normalizer::from_lexicons(&lex), Err(LexiconError::Invalid { line: 2, .. })));
    let _ = std::fs::remove_dir_all(&dir);
}

const SEEDS: [(&str, &str); 5] = [
    ("000", include_str!("../../../data/raw/000_0346a224d8fb9e5a.txt")),
    ("001", include_str!("../../../data/raw/001_67f78a27baced398.txt")),
    ("002", include_str!("../../../data/raw/002_c7f61207c4fca4bc.txt")),
    ("003", include_str!("../../../data/raw/003_1ba97e08d7ce2c3e.txt")),
    ("004", include_str!("../../../data/raw/004_fd07f2ca2049303a.txt")),
];

fn seed(id: &str) -> NormalizedText {
    let raw = SEEDS.iter().find(|(k, _)| *k == id).map(|(_, t)| *t).unwrap_or_default();
    normalizer().run(raw)
}

/// Lines of the seed articles that are boilerplate: none may remain as a paragraph, and the
/// listed fragments may not remain anywhere.
#[test]
fn seed_boilerplate_is_gone() {
    let gone_paragraphs = [
        "Support The Moscow Times!",
        "Now is the time to support independent reporting from Russia!",
        "Contribute Today",
        "Read more",
        "Top Reads from The Fiscal Times:",
        "Sign up for our free weekly newsletter",
        "A Message from The Moscow Times:",
        "Dear readers,",
        "Once",
        "Monthly",
        "Remind me later.",
        "Alexei Druzhinin",
    ];
    let gone_fragments = [
        "Support The Moscow Times",
        "Contribute Today",
        "Related:",
        "Top Reads",
        "Alexei Druzhinin",
        "Alexander Ryumin",
        "Taisiya Vorontsova",
        "/ TASS",
        "newsletter",
        "Subscribers agree",
        "undesirable",
        "Your support, no matter how small",
        "By supporting The Moscow Times",
        "Not ready to support today?",
        "paiment methods",
    ];
    for (id, _) in SEEDS {
        let out = seed(id);
        check_invariants(&out);
        for p in paragraphs(&out) {
            assert!(!gone_paragraphs.contains(&p), "{id}: boilerplate paragraph left: {p:?}");
        }
        for f in gone_fragments {
            assert!(!out.text.contains(f), "{id}: {f:?} left in\n{}", out.text);
        }
        assert!(!out.text.contains('\u{00A0}') && !out.text.contains('\r'));
    }
    assert!(seed("000").boilerplate_chars_removed > 0);
    assert!(seed("004").boilerplate_chars_removed > 1000);
}

#[test]
fn seed_body_remains() {
    let remain = [
        ("000", "Putin Classifies Information on Deaths of Russian Troops on Special Missions"),
        ("000", "Troops on Border"),
        ("000", "Russian President Vladimir Putin speaking at a meeting in the Kremlin Thursday."),
        ("000", "Kremlin spokesman Peskov told a conference call with reporters: \"I find the wording"),
        ("001", "Many Russian soldiers are dying in the fighting in Ukraine"),
        ("001", "Lukashevich concluded."),
        ("002", "A military analyst said: \u{2018}Russia is putting these mercenary forces"),
        ("002", "Russian mercenary soldier Alexey Ladygin, 26, from Ryazan, perished in Syria last week"),
        ("003", "Officials Disclose Russian Troop Deaths 1 Month After Cross-Border Incursion"),
        (
            "003",
            "Smoke rises over a building in the town of Shebekino damaged in a shelling attack on June 9.",
        ),
        ("003", "prepared the country\u{2019}s southern regions bordering Ukraine for cross-border attacks."),
        ("004", "Putin recognised the Donetsk and Lugansk separatist republics on Monday"),
        ("004", "Locals in Donetsk celebrated Russia's recognition of their independence."),
    ];
    for (id, text) in remain {
        assert!(seed(id).text.contains(text), "{id}: lost {text:?}\n{}", seed(id).text);
    }
    // The Moscow Times donation box is the last thing in 004: the article ends before it.
    assert!(seed("004").text.ends_with("threatening Moscow with sanctions."));
}

#[test]
fn seed_captions() {
    let out = seed("002");
    for caption in [
        "Kremlin lies:",
        "Killed:",
        "Russian mercenary soldier Alexey Ladygin",
        "Dead:",
        "Accusations:",
        "Mercenary leader:",
        "Making friends:",
        "Putin\u{2019}s friend:",
    ] {
        assert_eq!(zone_of(&out, caption), Zone::Caption, "{caption}");
    }
    let captions = out.paragraphs.iter().filter(|p| p.zone == Zone::Caption).count();
    assert_eq!(
        captions,
        8,
        "{:#?}",
        out.paragraphs
            .iter()
            .filter(|p| p.zone == Zone::Caption)
            .map(|p| &out.text[p.start..p.end])
            .collect::<Vec<_>>()
    );
    assert_eq!(zone_of(&seed("000"), "Russian President Vladimir Putin speaking"), Zone::Caption);
    assert_eq!(zone_of(&seed("003"), "Smoke rises"), Zone::Caption);
    assert_eq!(zone_of(&seed("004"), "Locals in Donetsk"), Zone::Caption);
    for (id, _) in SEEDS {
        let out = seed(id);
        let body_count = out.paragraphs.iter().filter(|p| p.zone == Zone::Body).count();
        assert!(body_count >= 5, "{id}");
    }
    assert_eq!(zone_of(&seed("000"), "Troops on"), Zone::Body);
    assert_eq!(zone_of(&seed("000"), "Asked by Reuters"), Zone::Body);
    assert_eq!(zone_of(&seed("002"), "A military analyst said"), Zone::Body);
}

/// Sample 002 repeats two whole paragraphs at its end: each is kept once.
#[test]
fn seed_002_repeats_kept_once() {
    let out = seed("002");
    for para in [
        "However, the Kremlin said today it had no information about Russian mercenaries reportedly being killed in Syria",
        "Kremlin spokesman Dmitry Peskov told reporters on a conference call when asked about the alleged deaths.",
    ] {
        assert_eq!(out.text.matches(para).count(), 1, "{para}");
    }
    let removed: usize = ["However, the Kremlin said today it had no information about Russian mercenaries reportedly being killed in Syria, saying it only knew about Russian nationals who had been deployed there as members of the Russian armed forces.",
        "\u{2018}We don\u{2019}t have information about other Russians who might be in Syria,\u{2019} Kremlin spokesman Dmitry Peskov told reporters on a conference call when asked about the alleged deaths."]
        .iter()
        .map(|p| p.chars().count())
        .sum();
    assert_eq!(out.boilerplate_chars_removed as usize, removed);
}

/// Every gold evidence string of `gold/seeds.jsonl` is still in the normalized text.
#[test]
fn seed_gold_evidence_survives() {
    let evidence = [
        ("000", "at least 220 serving Russian soldiers were killed"),
        ("000", "more than 6,100 people have been killed"),
        ("000", "declared all deaths of Russian soldiers during special operations to be classified as a state secret"),
        ("000", "has repeatedly denied any involvement of Russian troops"),
        ("000", "his spokesman Dmitry Peskov had no immediate comment"),
        ("000", "Russia initially vehemently denied the soldiers"),
        ("000", "Putin only publicly admitted Russian soldiers had been deployed in Crimea"),
        ("000", "denies direct military involvement in east Ukraine"),
        ("001", "Many Russian soldiers are dying"),
        ("001", "Russian soldiers are fighting \u{2013} and dying \u{2013} in large numbers"),
        ("001", "a Russian soldier \u{2013} a tanker \u{2013} who suffered grisly wounds"),
        ("001", "the Kremlin has no involvement in the ongoing conflict"),
        ("002", "mass deaths of hundreds of Russian mercenaries"),
        ("002", "More than 600 Russian mercenary soldiers have reportedly been killed"),
        ("002", "more than 200 contract soldiers were killed"),
        ("002", "the number of Russians killed in bloody clashes in recent days could be as high as 600"),
        ("002", "hundreds of dead and injured"),
        ("002", "by Saturday 644 had been killed"),
        ("002", "the Kremlin said today it had no information about Russian mercenaries reportedly being killed in Syria"),
        ("002", "I call on Russian president Vladimir Putin to clarify this"),
        ("002", "The Kremlin has consistently refused to talk about the deployment of mercenaries"),
        ("002", "while denying its soldiers were on the ground"),
        ("003", "At least 14 Russian troops were killed"),
        ("003", "at least 14 local soldiers deployed to Belgorod were killed"),
        ("003", "we currently know of 14 killed [soldiers]"),
        ("003", "10 soldiers from Pskov were captured"),
        ("003", "three of whom have since been exchanged"),
        ("003", "without disclosing its own casualty numbers"),
        ("003", "at least 14 local soldiers deployed to Belgorod were killed in the raids"),
        ("003", "we simply have no right to disclose some of the data"),
    ];
    for (id, ev) in evidence {
        let out = seed(id);
        assert!(fold(&out.text).contains(&fold(ev)), "{id}: evidence lost: {ev:?}");
        // Claims and statements never come from captions: the evidence is in a body paragraph.
        let in_body = out
            .paragraphs
            .iter()
            .any(|p| p.zone == Zone::Body && fold(&out.text[p.start..p.end]).contains(&fold(ev)));
        assert!(in_body, "{id}: evidence only in a caption: {ev:?}");
    }
    // Named casualties of 002, each named in a body paragraph or a caption.
    for name in
        ["Vladimir Loginov", "Stanislav Matveyev", "Igor Kosoturov", "Alexey Ladygin", "Kirill Ananyev"]
    {
        assert!(seed("002").text.contains(name), "{name}");
    }
}

#[test]
fn seeds_are_idempotent() {
    let n = normalizer();
    for (id, raw) in SEEDS {
        let once = n.run(raw);
        let twice = n.run(&once.text);
        assert_eq!(once.text, twice.text, "{id}");
        assert_eq!(twice.boilerplate_chars_removed, 0, "{id}");
        let third = n.run(&twice.text);
        assert_eq!(twice, third, "{id}: zones settle after one more run");
    }
}

#[test]
fn degenerate_inputs() {
    let n = normalizer();
    for raw in
        ["", "\n\n\n", "\u{FEFF}", "\u{200B}\u{00A0}\r\n", " . ", "Read more", "\u{0301}", "a\u{0000}b"]
    {
        let out = n.run(raw);
        check_invariants(&out);
        assert_eq!(n.run(&out.text).text, out.text, "{raw:?}");
    }
}

/// A 10 MB single line without any break finishes quickly (no rule scans it more than a few
/// times, none backtracks).
#[test]
fn long_single_line_is_linear() {
    let n = normalizer();
    let unit = "Read more: soldiers were killed \u{00A0}in Syria, pictured: \u{201C}x\u{201D} / TASS ";
    let raw = unit.repeat(10_000_000 / unit.len());
    let started = std::time::Instant::now();
    let out = n.run(&raw);
    assert_eq!(out.paragraphs.len(), 1);
    // Generous: a debug build on a slow machine; quadratic behaviour would take minutes.
    assert!(started.elapsed().as_secs() < 60, "{:?}", started.elapsed());
}

/// Ten thousand credits in one paragraph: stripping them is bounded, not quadratic.
#[test]
fn stacked_credits_are_linear() {
    let n = normalizer();
    let raw = format!("Smoke rises over Shebekino.{}", " Photo: Reuters.".repeat(200_000));
    let started = std::time::Instant::now();
    let out = n.run(&raw);
    assert!(out.text.starts_with("Smoke rises over Shebekino. Photo: Reuters."));
    assert!(started.elapsed().as_secs() < 60, "{:?}", started.elapsed());
    // A few stacked credits all go.
    let out =
        n.run("Smoke rises over Shebekino. Alexander Ryumin / TASS (AP Photo/Efrem Lukatsky) Photo: Reuters");
    assert_eq!(out.text, "Smoke rises over Shebekino.");
}

/// Text drawn from pieces that trigger the rules, plus arbitrary Unicode.
fn article_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("Support The Moscow Times!".to_string()),
        Just("Read more".to_string()),
        Just("Read more:".to_string()),
        Just("Photo: Reuters".to_string()),
        Just("Alexei Druzhinin".to_string()),
        Just("Killed: Vladimir Loginov was killed in Syria this month".to_string()),
        Just("Putin is pictured at a ceremony".to_string()),
        Just("Smoke rises over a building. Alexander Ryumin / TASS".to_string()),
        Just("A Message from The Moscow Times:".to_string()),
        Just("Remind me later.".to_string()),
        Just("At least 14 Russian troops were killed, officials said.".to_string()),
        Just("declared all deaths of Russian soldiers during special operations to".to_string()),
        Just("\u{2022} Ukraine and Russia exchanged 90 prisoners".to_string()),
        Just("e\u{200D}\u{0301}\u{00A0}\u{FEFF}\r".to_string()),
        Just("pro-".to_string()),
        "\\PC{0,40}",
        any::<String>(),
    ];
    let sep = prop_oneof![Just("\n"), Just("\n\n"), Just(" "), Just("\r\n"), Just("\u{2029}"), Just("")];
    prop::collection::vec((piece, sep), 0..24)
        .prop_map(|parts| parts.into_iter().map(|(p, s)| p + s).collect())
}

proptest! {
    // PROPTEST_CASES overrides the default number of cases (256) for a longer hunt.
    #![proptest_config(ProptestConfig::default())]

    #[test]
    fn idempotent_on_arbitrary_strings(raw in any::<String>()) {
        let n = normalizer();
        let once = n.run(&raw);
        check_invariants(&once);
        let twice = n.run(&once.text);
        prop_assert_eq!(&once.text, &twice.text);
        prop_assert_eq!(twice.boilerplate_chars_removed, 0);
    }

    #[test]
    fn idempotent_on_article_like_text(raw in article_like()) {
        let n = normalizer();
        let once = n.run(&raw);
        check_invariants(&once);
        let twice = n.run(&once.text);
        prop_assert_eq!(&once.text, &twice.text);
        prop_assert_eq!(twice.boilerplate_chars_removed, 0);
        let third = n.run(&twice.text);
        prop_assert_eq!(twice.paragraphs, third.paragraphs);
    }
}
