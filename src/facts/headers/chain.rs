//! The Received chain, oldest hop first, with who runs each receiving host (Microsoft 365,
//! a known gateway, the sender), per-hop delays and clock skew: a hop
//! stamped earlier than the one before it has no delay (`None`), never a huge positive one.

use super::received::{self, ReceivedFields};
use crate::case::HeaderBlock;
use crate::knowledge::Knowledge;

/// The most hops kept; the newest are kept, they are the trustworthy ones.
pub const MAX_HOPS: usize = 1000;

/// Who runs a hop's receiving host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Operator {
    /// Microsoft 365 / Exchange Online.
    Microsoft365,
    /// A third-party gateway with a vendor profile.
    Gateway {
        /// Vendor profile id.
        id: String,
        /// Vendor name for people.
        name: String,
    },
    /// The sending side (hops before the message reached Microsoft 365 or a gateway).
    Sender,
    /// The receiving side (hops after Microsoft 365 or a gateway handed the message on: an
    /// outgoing message's recipient, an on-premises server behind Exchange Online).
    Recipient,
    /// Not known.
    Unknown,
}

impl Operator {
    /// The contract's word: `microsoft365`, `gateway:<vendor>`, `sender`, `recipient`,
    /// `unknown`.
    pub fn contract(&self) -> String {
        match self {
            Self::Microsoft365 => "microsoft365".into(),
            Self::Gateway { id, .. } => format!("gateway:{id}"),
            Self::Sender => "sender".into(),
            Self::Recipient => "recipient".into(),
            Self::Unknown => "unknown".into(),
        }
    }

    /// A phrase for people.
    pub fn label(&self) -> String {
        match self {
            Self::Microsoft365 => "Microsoft 365".into(),
            Self::Gateway { name, .. } => format!("the {name} gateway"),
            Self::Sender => "the sending side".into(),
            Self::Recipient => "the receiving side".into(),
            Self::Unknown => "an unknown server".into(),
        }
    }
}

/// One hop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceivedHop {
    /// 1-based, oldest first.
    pub index: u32,
    /// The header's fields.
    pub fields: ReceivedFields,
    /// Who runs the receiving host.
    pub operator: Operator,
    /// Milliseconds since the previous hop with a time; `None` for the first hop, without
    /// a time, or when the clock went backwards.
    pub delay_ms: Option<i64>,
    /// Milliseconds the clock went backwards against the previous timed hop (negative).
    pub skew_ms: Option<i64>,
    /// The header's position in the block (0 = topmost).
    pub position: usize,
    /// The unfolded value, shortened for evidence.
    pub line: String,
}

impl ReceivedHop {
    /// The sending host with its IP, as a sentence names it: `mx.example.net
    /// (198.51.100.7)`, or "an unnamed host".
    pub fn sender_words(&self) -> String {
        let host = self.fields.from.as_deref().unwrap_or("an unnamed host");
        match self.fields.from_ip.as_deref() {
            Some(ip) => format!("{host} ({ip})"),
            None => host.to_owned(),
        }
    }

    /// `from → by`, for titles.
    pub fn route(&self) -> String {
        let from = self
            .fields
            .from
            .as_deref()
            .or(self.fields.from_ip.as_deref())
            .unwrap_or("(no from)");
        let by = self.fields.by.as_deref().unwrap_or("(no by)");
        format!("{from} → {by}")
    }
}

/// The chain.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReceivedChain {
    /// Hops, oldest first.
    pub hops: Vec<ReceivedHop>,
    /// Oldest hops left out beyond [`MAX_HOPS`].
    pub omitted: usize,
    /// Index into `hops` of the hop where Microsoft 365 received the message from outside.
    pub entry: Option<usize>,
    /// Milliseconds from the first to the last timed hop, when the last is not earlier.
    pub total_ms: Option<i64>,
}

impl ReceivedChain {
    /// True when any hop was received by Microsoft 365.
    pub fn reached_microsoft(&self) -> bool {
        self.hops
            .iter()
            .any(|h| h.operator == Operator::Microsoft365)
    }

    /// The hop where Microsoft 365 received it.
    pub fn entry_hop(&self) -> Option<&ReceivedHop> {
        self.entry.and_then(|i| self.hops.get(i))
    }
}

fn evidence_line(value: &str) -> String {
    // Up to 400 bytes hold at most 400 characters: only longer values are counted.
    let cut = if value.len() <= 400 {
        value.len()
    } else {
        value
            .char_indices()
            .nth(400)
            .map_or(value.len(), |(at, _)| at)
    };
    let mut line = String::with_capacity(cut + 10);
    line.push_str("Received: ");
    line.push_str(value.get(..cut).unwrap_or(value));
    line
}

/// Reads every Received header of `block` into a chain.
pub fn build(block: &HeaderBlock, knowledge: &Knowledge) -> ReceivedChain {
    let mut found: Vec<(usize, &str)> = block
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.name.eq_ignore_ascii_case("Received"))
        .map(|(i, f)| (i, f.value.as_str()))
        .collect();
    // The reader leaves out Received lines past its own limit (never below MAX_HOPS): they
    // are older hops not shown too.
    let omitted = found.len().saturating_sub(MAX_HOPS) + block.received_left_out;
    found.truncate(MAX_HOPS);
    found.reverse();

    let mut hops: Vec<ReceivedHop> = Vec::with_capacity(found.len());
    for (n, (position, value)) in found.into_iter().enumerate() {
        let fields = received::parse(value);
        let operator = operator(&fields, knowledge);
        hops.push(ReceivedHop {
            index: n as u32 + 1,
            fields,
            operator,
            delay_ms: None,
            skew_ms: None,
            position,
            line: evidence_line(value),
        });
    }

    // Hops before the first Microsoft 365 or gateway hop belong to the sender, unknown
    // hops after the last one to the side it was handed to.
    if let Some(first) = hops.iter().position(|h| h.operator != Operator::Unknown) {
        for hop in hops.iter_mut().take(first) {
            hop.operator = Operator::Sender;
        }
    }
    if let Some(last) = hops.iter().rposition(|h| {
        matches!(
            h.operator,
            Operator::Microsoft365 | Operator::Gateway { .. }
        )
    }) {
        for hop in hops.iter_mut().skip(last + 1) {
            if hop.operator == Operator::Unknown {
                hop.operator = Operator::Recipient;
            }
        }
    }

    // A stamp with a fraction of a second against one without can run up to a second
    // "backwards" without any clock being wrong.
    let mut previous: Option<(i64, bool)> = None;
    let mut first_time: Option<i64> = None;
    let mut last_time: Option<i64> = None;
    let mut fractions = false;
    for hop in &mut hops {
        let Some(date) = hop.fields.date else {
            continue;
        };
        let t = date.time.timestamp_millis();
        if let Some((p, p_fraction)) = previous {
            let delta = t - p;
            let precision = (date.subsecond || p_fraction) && delta > -1000;
            if delta < 0 && !precision {
                hop.skew_ms = Some(delta);
            } else {
                hop.delay_ms = Some(delta.max(0));
            }
        }
        previous = Some((t, date.subsecond));
        fractions |= date.subsecond;
        first_time.get_or_insert(t);
        last_time = Some(t);
    }
    let total_ms = match (first_time, last_time) {
        (Some(a), Some(b)) if b >= a => Some(b - a),
        (Some(a), Some(b)) if fractions && b > a - 1000 => Some(0),
        _ => None,
    };

    let entry = hops.iter().position(|h| {
        h.operator == Operator::Microsoft365
            && !h
                .fields
                .from
                .as_deref()
                .is_some_and(|f| knowledge.antispam.is_microsoft_host(f))
    });

    ReceivedChain {
        hops,
        omitted,
        entry,
        total_ms,
    }
}

fn operator(fields: &ReceivedFields, knowledge: &Knowledge) -> Operator {
    let Some(by) = fields.by.as_deref() else {
        return Operator::Unknown;
    };
    if knowledge.antispam.is_microsoft_host(by) {
        return Operator::Microsoft365;
    }
    if let Some(profile) = knowledge.vendors.for_host(by) {
        return Operator::Gateway {
            id: profile.id.clone(),
            name: profile.display_name.clone(),
        };
    }
    Operator::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::HeaderField;

    fn block(values: &[&str]) -> HeaderBlock {
        HeaderBlock {
            fields: values
                .iter()
                .map(|v| HeaderField {
                    name: "Received".into(),
                    value: (*v).to_owned(),
                    raw: format!("Received: {v}"),
                })
                .collect(),
            ..HeaderBlock::default()
        }
    }

    #[test]
    fn orders_oldest_first_and_flags_skew_without_a_delay() {
        let chain = build(
            &block(&[
                "from a.mail.protection.outlook.com (10.0.0.1) by b.prod.outlook.com with HTTPS; Wed, 5 Mar 2025 09:14:07 +0000",
                "from mx.example.net (198.51.100.23) by a.mail.protection.outlook.com (10.0.0.1) with Microsoft SMTP Server; Wed, 5 Mar 2025 09:14:05 +0000",
                "by mx.example.net (Postfix, from userid 1001) id 1; Wed,  5 Mar 2025 01:14:03 -0800 (PST)",
                "from mail.example.org (mail.example.org [192.0.2.10]) by mx.example.net (Postfix) with ESMTPS id 2; Wed,  5 Mar 2025 01:14:09 -0800 (PST)",
            ]),
            crate::testing::knowledge(),
        );
        let delays: Vec<_> = chain.hops.iter().map(|h| h.delay_ms).collect();
        assert_eq!(delays, [None, None, Some(2000), Some(2000)]);
        assert_eq!(chain.hops[1].skew_ms, Some(-6000));
        assert_eq!(chain.hops[0].operator, Operator::Sender);
        assert_eq!(chain.hops[2].operator, Operator::Microsoft365);
        assert_eq!(chain.entry, Some(2));
        assert_eq!(chain.total_ms, None);
        assert_eq!(
            chain.entry_hop().and_then(|h| h.fields.from_ip.as_deref()),
            Some("198.51.100.23")
        );
    }

    #[test]
    fn sub_second_stamps_do_not_read_as_skew() {
        let chain = build(
            &block(&[
                "from o9.example.com (192.0.2.2) by x.mail.protection.outlook.com; Sun, 22 Apr 2018 02:54:17 +0000",
                "by filter.sendgrid.example with SMTP id f-1 2018-04-22 02:54:17.028704749 +0000 UTC",
            ]),
            crate::testing::knowledge(),
        );
        assert_eq!(chain.hops[1].delay_ms, Some(0));
        assert_eq!(chain.hops[1].skew_ms, None);
        assert_eq!(chain.total_ms, Some(0));
    }

    #[test]
    fn gateways_are_named() {
        let chain = build(
            &block(&[
                "from x by sample-mx.ipw.inkyphishfence.com; Sun, 22 Apr 2018 02:54:17 +0000",
            ]),
            crate::testing::knowledge(),
        );
        assert_eq!(chain.hops[0].operator.contract(), "gateway:inky");
    }
}
