//! Step 4, header analysis: Received parsing against other parsers' vectors, and whole
//! messages (our fixtures, the authored corpus, sample 15) through the engine.

use mailflow::facts::headers::received;
use serde_json::Value;

use crate::support;

/// mail-parser's expected parses that are wrong, with the right reading: asctime dates
/// read as 19xx with seconds over 59, two-digit years as 19xx, named zones ignored,
/// fractional seconds dropped.
const MAIL_PARSER_DATE_DEFECTS: &[(usize, &str)] = &[
    (13, "2003-02-07T10:18:12-08:00"),
    (67, "2003-02-12T14:22:21-08:00"),
    (89, "2003-03-26T20:43:24-06:00"),
    (90, "2004-02-27T14:16:56-08:00"),
    (117, "2005-11-13T14:50:12+00:00"),
    (118, "2005-11-13T15:38:52+00:00"),
    (128, "2003-03-20T10:06:43+01:00"),
    (144, "2020-04-02T07:53:55.516+00:00"),
    (151, "2018-09-14T14:36:56-04:00"),
    (163, "2006-06-02T08:15:21-07:00"),
    // No `;` before the date: mail-parser finds none, the date is there.
    (69, "2003-02-20T16:13:20-07:00"),
];

/// Where mail-parser reads a name that is not the sending host: a comment word
/// (`(qmail … invoked from network)`, `(Postfix, from userid 1002)`), or a bracketed
/// message id.
const MAIL_PARSER_FROM_DEFECTS: &[usize] = &[125, 165, 171];

/// Where mail-parser cuts a queue id at `/` (ecelerity `EE/20-30863-33CE1054`) or takes the
/// last of two `by` clauses (`by alpha by uid 7791`): ours keep the whole id and the host.
const MAIL_PARSER_OTHER_DEFECTS: &[(usize, &str)] =
    &[(28, "id"), (29, "id"), (30, "id"), (123, "by")];

fn expected_date(value: &Value) -> Option<String> {
    let n = |k: &str| value.get(k).and_then(Value::as_i64);
    let (year, month, day) = (n("year")?, n("month")?, n("day")?);
    let (hour, minute, second) = (n("hour")?, n("minute")?, n("second")?);
    let sign = if value.get("tz_before_gmt").and_then(Value::as_bool) == Some(true) {
        -1
    } else {
        1
    };
    let offset = sign * (n("tz_hour")? * 60 + n("tz_minute")?);
    let zone = format!(
        "{}{:02}:{:02}",
        if offset < 0 { '-' } else { '+' },
        offset.abs() / 60,
        offset.abs() % 60
    );
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{zone}"
    ))
}

fn name(value: Option<&Value>) -> Option<String> {
    let value = value?;
    value
        .get("Name")
        .or_else(|| value.get("IpAddr"))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

#[test]
fn received_lines_match_mail_parsers_vectors_except_its_known_defects() {
    let path = support::shared().join("badinput/mail-parser/fields/received.json");
    let text = std::fs::read_to_string(&path).expect("received.json");
    let vectors: Vec<Value> = serde_json::from_str(&text).expect("json");
    assert!(vectors.len() > 150);
    let mut disagreements = Vec::new();
    for (i, vector) in vectors.iter().enumerate() {
        let header = vector["header"].as_str().unwrap_or("");
        let unfolded = header.replace("\r\n", "").replace('\n', " ");
        let expected = &vector["expected"];
        let ours = received::parse(unfolded.trim());
        let our_date = ours
            .date
            .map(|d| d.time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false));
        let want_date = MAIL_PARSER_DATE_DEFECTS
            .iter()
            .find(|(n, _)| *n == i)
            .map(|(_, d)| Some((*d).to_owned()))
            .unwrap_or_else(|| expected.get("date").and_then(expected_date));
        if our_date != want_date {
            disagreements.push(format!("#{i} date: ours {our_date:?}, want {want_date:?}"));
        }
        let checks = [
            ("by", ours.by.clone(), name(expected.get("by"))),
            (
                "from_ip",
                ours.from_ip.clone(),
                expected
                    .get("from_ip")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            ),
            (
                "id",
                ours.id.clone(),
                expected
                    .get("id")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            ),
            (
                "for",
                ours.for_addr.clone(),
                expected
                    .get("for_")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            ),
        ];
        for (field, ours, want) in checks {
            let defect = MAIL_PARSER_OTHER_DEFECTS.contains(&(i, field));
            if want.is_some() && ours != want && !defect {
                disagreements.push(format!("#{i} {field}: ours {ours:?}, want {want:?}"));
            }
        }
        if !MAIL_PARSER_FROM_DEFECTS.contains(&i)
            && let Some(want) = name(expected.get("from"))
            && ours.from.as_deref() != Some(want.as_str())
        {
            disagreements.push(format!("#{i} from: ours {:?}, want {want:?}", ours.from));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

#[test]
fn received_lines_agree_with_mhas_vectors_except_its_known_defects() {
    let path = support::shared().join("corpus/MHA/mha-received-vectors.json");
    let text = std::fs::read_to_string(&path).expect("mha vectors");
    let json: Value = serde_json::from_str(&text).expect("json");
    let vectors = json["vectors"].as_array().expect("vectors");
    let mut disagreements = Vec::new();
    for vector in vectors {
        let raw = vector["raw"].as_str().unwrap_or("");
        let value = raw
            .trim_start_matches("Received:")
            .replace(['\r', '\n'], " ");
        let ours = received::parse(value.trim());
        let mha = &vector["mha_parse"];
        // MHA reads a date without a time as midnight; ours refuses to guess.
        if let Some(ms) = mha["dateNum"].as_i64()
            && !raw.ends_with("; 22 Apr 2018")
        {
            let got = ours.date.map(|d| d.time.timestamp_millis());
            if got != Some(ms) {
                disagreements.push(format!("{raw:?}: date {got:?} vs {ms}"));
            }
        }
        let first_word = |v: &Value| {
            v.as_str()
                .and_then(|s| s.split([' ', ';']).next())
                .map(str::to_owned)
        };
        // MHA takes the qmail comment `(qmail … invoked from network)` as the host.
        if !raw.contains("(qmail") && first_word(&mha["by"]) != ours.by {
            disagreements.push(format!("{raw:?}: by {:?} vs {}", ours.by, mha["by"]));
        }
        if first_word(&mha["from"]) != ours.from {
            disagreements.push(format!("{raw:?}: from {:?} vs {}", ours.from, mha["from"]));
        }
        if mha["id"].as_str().map(str::to_owned) != ours.id {
            disagreements.push(format!("{raw:?}: id {:?} vs {}", ours.id, mha["id"]));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

#[test]
fn mhas_chains_get_the_same_delays() {
    let path = support::shared().join("corpus/MHA/mha-received-vectors.json");
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
    for chain in json["chains"].as_array().expect("chains") {
        let text: String = chain["headers_top_to_bottom"]
            .as_array()
            .expect("headers")
            .iter()
            .filter_map(Value::as_str)
            .map(|h| format!("{h}\n"))
            .collect();
        let block = mailflow::input::headers_paste::split_fields(&text);
        let headers =
            mailflow::case::MessageHeaders::new(mailflow::case::HeaderSource::Pasted, block);
        let facts = mailflow::facts::headers::derive(&headers);
        let hops = chain["mha_hops"].as_array().expect("hops");
        assert_eq!(facts.hops.len(), hops.len());
        for (ours, mha) in facts.chain.hops.iter().zip(hops) {
            let ms = mha["dateNum"].as_i64();
            assert_eq!(ours.fields.date.map(|d| d.time.timestamp_millis()), ms);
            // MHA's signed delay in ms; a sub-second step back is precision, not skew.
            let delay = mha["delaySort"].as_i64().filter(|d| *d >= 0);
            match delay {
                Some(d) => assert_eq!(ours.delay_ms, Some(d), "hop {}", ours.index),
                None if mha["hop"] == 1 => assert_eq!(ours.delay_ms, None),
                None => assert_eq!(ours.delay_ms, Some(0), "hop {}", ours.index),
            }
            assert_eq!(ours.skew_ms, None);
        }
    }
}
