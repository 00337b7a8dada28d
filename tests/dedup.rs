//! Dedup with known answers: exact copies (CRLF, BOM, re-encoded), near copies (a sentence added,
//! the headline changed, other boilerplate), and distinct stories that share boilerplate or a
//! paragraph, which must not be merged.

use crate::util::{csv_rows, manifest, Workdir};

const BOILERPLATE: &str = "Support independent journalism!\n\nContribute Today\n\n";
const SHARED: &str = "The war, now in its third year, has displaced millions of people and left large parts of the east in ruins, according to United Nations estimates published earlier this year.";

fn story(place: &str, n: usize) -> String {
    let sentences = [
        format!("At least {n} people were killed when missiles struck {place} early on Tuesday, regional officials said."),
        format!("Rescue teams worked through the night to pull survivors from a collapsed apartment block in the centre of {place}."),
        "The governor said that 23 of the wounded were in a serious condition and that the toll could rise as the search continued.".to_owned(),
        format!("Residents of {place} described hearing several loud explosions shortly before dawn, followed by the sound of sirens."),
        "The defence ministry in Moscow did not respond to a request for comment on the strike.".to_owned(),
        format!("Local authorities declared three days of mourning and opened shelters for families who had lost their homes in {place}."),
        "Power and water supplies were cut to several districts, and engineers said repairs would take at least a week.".to_owned(),
        format!("A school and a kindergarten in {place} were also damaged, although both had been empty at the time of the attack."),
        "International aid groups said they were sending medical supplies and building materials to the region.".to_owned(),
        format!("It was the deadliest attack on {place} since the spring, when a strike on the railway station killed eleven people."),
    ];
    sentences.join(" ")
}

#[test]
fn duplicates_are_classified_and_distinct_stories_kept() {
    let w = Workdir::new();
    let a = format!("{BOILERPLATE}Missiles hit Kramatorsk\n\n{}\n\n{SHARED}\n\nRead more\n", story("Kramatorsk", 14));
    w.write("in/a.txt", &a);
    w.write("in/b_crlf.txt", a.replace('\n', "\r\n"));
    w.write("in/c_bom.txt", format!("\u{feff}{a}"));
    // Re-encoded copy of another story (with typographic quotes, which cp1252 can hold).
    let curly = format!("Kharkiv “under fire”\n\n{}\n", story("Kharkiv", 7).replace("Tuesday", "Tuesday’s").replace("23", "5"));
    let (cp1252, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&curly);
    assert!(!unmappable);
    w.write("in/d_kharkiv.txt", &curly);
    w.write("in/d_kharkiv_cp1252.txt", cp1252);
    w.write("in/e_sentence_added.txt", a.replace("Read more\n", "A second strike hit the outskirts of the city later in the day, officials said.\n\nRead more\n"));
    w.write("in/f_headline.txt", a.replace("Missiles hit Kramatorsk", "Russian strike on Kramatorsk kills at least 14, officials say"));
    w.write("in/g_other_boilerplate.txt", a.replace(BOILERPLATE, "Sign up for our newsletter\n\nShare this article\n\n").replace("Read more\n", "Related: Ukraine war latest\n"));
    // Distinct stories: same boilerplate and the same closing paragraph, another event.
    w.write("in/h_other_city.txt", format!("{BOILERPLATE}Missiles hit Sumy\n\n{}\n\n{SHARED}\n\nRead more\n", story("Sumy", 9).replace("Tuesday", "Friday").replace("23", "41")));
    w.write("in/i_boilerplate_only.txt", format!("{BOILERPLATE}Prisoner swap\n\nRussia and Ukraine exchanged 95 prisoners of war each on Thursday in a deal brokered by the United Arab Emirates, the Ukrainian government said. The freed soldiers were taken to hospitals for checks before being reunited with their families. Officials said more exchanges were being prepared.\n\nRead more\n"));
    w.write("in/metadata.csv", "file,outlet,title,url,published,published_precision\na.txt,Wire,,,2024-03-05,day\nb_crlf.txt,Wire,,,2024-03-06,day\ne_sentence_added.txt,Other,,,2024-03-07,day\n");
    let release = w.build(&w.path("in"), "out", "1", &[]);
    let docs = csv_rows(&release, "documents");
    let kept: Vec<&str> = docs.iter().map(|d| d["source_path"].as_str()).collect();
    assert_eq!(kept, vec!["a.txt", "d_kharkiv.txt", "h_other_city.txt", "i_boilerplate_only.txt"]);
    let a_id = &docs[0]["doc_id"];
    let d_id = &docs[1]["doc_id"];
    let dups = csv_rows(&release, "duplicates");
    let got: Vec<(&str, &str, &str)> = dups.iter().map(|d| (d["source_path"].as_str(), d["kind"].as_str(), d["kept_doc_id"].as_str())).collect();
    let boiler_kind = dups.iter().find(|d| d["source_path"] == "g_other_boilerplate.txt").map(|d| d["kind"].clone()).unwrap_or_default();
    assert_eq!(
        got,
        vec![
            ("b_crlf.txt", "exact_text", a_id.as_str()),
            ("c_bom.txt", "exact_text", a_id.as_str()),
            ("d_kharkiv_cp1252.txt", "exact_text", d_id.as_str()),
            ("e_sentence_added.txt", "near", a_id.as_str()),
            ("f_headline.txt", "near", a_id.as_str()),
            // Boilerplate removal makes it the same text; were a line to survive, it is still near.
            ("g_other_boilerplate.txt", boiler_kind.as_str(), a_id.as_str()),
        ]
    );
    assert!(boiler_kind == "exact_text" || boiler_kind == "near");
    for d in &dups {
        let sim: f64 = d["similarity"].parse().unwrap();
        if d["kind"] == "near" {
            assert!((0.8..1.0).contains(&sim), "{d:?}");
        } else {
            assert_eq!(sim, 1.0);
        }
    }
    let c = &manifest(&release)["counts"];
    assert_eq!(c["articles_in"], 10);
    assert_eq!(c["exact_text_duplicates"].as_u64().unwrap() + c["near_duplicates"].as_u64().unwrap(), 6);
}

#[test]
fn the_threshold_is_configurable_and_recorded() {
    let w = Workdir::new();
    let a = format!("Missiles hit Kramatorsk\n\n{}\n", story("Kramatorsk", 14));
    w.write("in/a.txt", &a);
    w.write("in/b.txt", a.replace("Missiles hit Kramatorsk", "Russian strike on Kramatorsk kills at least 14, officials say"));
    let loose = w.build(&w.path("in"), "loose", "1", &[]);
    assert_eq!(csv_rows(&loose, "duplicates").len(), 1);
    let strict = w.build(&w.path("in"), "strict", "1", &["--near-dup-threshold", "0.99"]);
    assert_eq!(csv_rows(&strict, "duplicates").len(), 0);
    assert_eq!(manifest(&strict)["configuration"]["dedup"]["near_dup_threshold"], 0.99);
}
