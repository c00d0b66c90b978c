//! A non-delivery report in an Outlook `.msg`: what a user gets dragging a bounce out of
//! Outlook, or a bounce forwarded to the help desk (inline, or attached as an item). The
//! report item (`REPORT.IPM.Note.NDR`) keeps each failed recipient's DSN fields in its
//! recipient table as `PidTagSupplementaryInfo` (0x0C1B, `<remote-mta #status
//! diagnostic>`, [MS-OXCMAIL] 2.2.3.7.1.1); its body (0x1000), and the body of a forward,
//! hold the NDR text; an attached item's transport headers (0x007D) are the original
//! message's.

use std::io::{Read, Seek};

use cfb::CompoundFile;

use super::msg_property::string_property;
use super::{header_block, ndr};
use crate::case::NdrReport;

/// Recipient rows and attachments read at most; reports name a handful.
const MAX_OBJECTS: u32 = 500;

/// The report the `.msg` holds, or `None` when it is not one (or names neither a code nor
/// a diagnostic). A forward that attaches the bounce as an item is read one level deep.
pub fn read<F: Read + Seek>(file: &mut CompoundFile<F>) -> Option<NdrReport> {
    read_at(file, "").or_else(|| {
        objects(file, "", "__attach_version1.0_")
            .into_iter()
            .find_map(|attachment| read_at(file, &embedded(&attachment)))
    })
}

/// The report of the message whose storage is `storage`.
fn read_at<F: Read + Seek>(file: &mut CompoundFile<F>, storage: &str) -> Option<NdrReport> {
    let class = string_property(file, storage, "001A").unwrap_or_default();
    let item = is_report_item(&class);
    let from_body = string_property(file, storage, "1000")
        .filter(|body| ndr::sniff(body))
        .and_then(|body| super::bounce::read(&body, None, &[]));
    if !item && from_body.is_none() {
        return None;
    }
    let mut report = from_body.unwrap_or_default();
    if item {
        for recipient in objects(file, storage, "__recip_version1.0_") {
            if let Some(info) = string_property(file, &recipient, "0C1B") {
                apply_supplementary_info(&mut report, &info);
            }
            let address = string_property(file, &recipient, "39FE")
                .or_else(|| string_property(file, &recipient, "3003"))
                .filter(|a| a.contains('@'));
            if let Some(address) = address {
                ndr::add_recipient(&mut report, &address);
            }
        }
    }
    if report.original_headers.is_none() {
        let original = objects(file, storage, "__attach_version1.0_")
            .into_iter()
            .find_map(|attachment| string_property(file, &embedded(&attachment), "007D"));
        if let Some(headers) = original {
            ndr::attach_original(&mut report, header_block::split_fields(&headers));
        }
    }
    if report.original_subject.is_none() {
        report.original_subject = string_property(file, storage, "0037")
            .as_deref()
            .and_then(ndr::bounce_subject)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
    }
    report.names_a_reason().then_some(report)
}

/// True for the message class of a non-delivery report item (`REPORT.IPM.Note.NDR`, any
/// original class, any case).
fn is_report_item(class: &str) -> bool {
    let class = class.trim();
    class
        .split('.')
        .next()
        .is_some_and(|first| first.eq_ignore_ascii_case("REPORT"))
        && class
            .rsplit('.')
            .next()
            .is_some_and(|last| last.eq_ignore_ascii_case("NDR"))
}

/// Fills what the report lacks from one recipient's supplementary information:
/// `<AM0PR03MB6290.eurprd03.prod.outlook.com #5.1.10 smtp;550 5.1.10 RESOLVER…>`.
fn apply_supplementary_info(report: &mut NdrReport, info: &str) {
    let info = info.trim().trim_start_matches('<').trim_end_matches('>');
    let Some((mta, rest)) = info.split_once('#') else {
        return;
    };
    let (status, diagnostic) = rest.split_once(' ').unwrap_or((rest, ""));
    let diagnostic = diagnostic
        .trim()
        .split_once(';')
        .filter(|(kind, _)| kind.eq_ignore_ascii_case("smtp"))
        .map_or(diagnostic.trim(), |(_, text)| text.trim());
    if report.status_code.is_none() {
        report.status_code = ndr::first_code(status).map(str::to_owned);
    }
    if report.diagnostic.is_none() && !diagnostic.is_empty() {
        report.diagnostic = Some(diagnostic.to_owned());
        report.smtp_reply = report.smtp_reply.or_else(|| ndr::smtp_reply(diagnostic));
    }
    let mta = mta.trim();
    if report.remote_server.is_none() && !mta.is_empty() {
        report.remote_server = Some(mta.to_owned());
    }
}

/// The storages of the recipient rows or attachments (`kind` names them) of the message at
/// `storage`, in order.
fn objects<F: Read + Seek>(file: &CompoundFile<F>, storage: &str, kind: &str) -> Vec<String> {
    (0..MAX_OBJECTS)
        .map(|index| format!("{storage}/{kind}#{index:08X}"))
        .take_while(|path| file.is_storage(path))
        .collect()
}

/// The storage of the message an attachment embeds (`PidTagAttachDataObject`).
fn embedded(attachment: &str) -> String {
    format!("{attachment}/__substg1.0_3701000D")
}
