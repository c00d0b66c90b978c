//! Amazon SES bounce notifications as SNS sends them by mail: a JSON document
//! (`"notificationType":"Bounce"`) whose `bouncedRecipients` carry each recipient's action,
//! status and diagnostic: the same fields as a delivery-status group.

use serde_json::Value;

use super::dsn::{Group, Report};

/// The recipient groups of an SES notification in `text`, when it is one.
pub fn read(text: &str) -> Option<Report> {
    let start = text.find('{')?;
    let body = text.get(start..)?;
    if !body.contains("\"notificationType\"") {
        return None;
    }
    let value = first_value(body).or_else(|| {
        // Long lines reach us broken by a relay as `!` + line break + blank (sendmail's
        // 990-character limit); joined back, the document parses.
        let joined: String = body
            .replace("!\r\n ", "")
            .replace("!\n ", "")
            .replace(['\r', '\n'], "");
        first_value(&joined)
    })?;
    let bounce = value.get("bounce")?;
    let groups = bounce
        .get("bouncedRecipients")?
        .as_array()?
        .iter()
        .map(|r| {
            let text = |key: &str| r.get(key).and_then(Value::as_str).map(str::to_owned);
            Group {
                recipient: text("emailAddress"),
                action: text("action").map(|a| a.to_ascii_lowercase()),
                status: text("status"),
                diagnostic: text("diagnosticCode").map(|d| {
                    d.split_once(';')
                        .map_or(d.as_str(), |(_, rest)| rest)
                        .trim()
                        .to_owned()
                }),
                remote_mta: None,
                retry_until: None,
            }
        })
        .collect();
    Some(Report {
        reporting_mta: bounce
            .get("reportingMTA")
            .and_then(Value::as_str)
            .map(|m| m.split_once(';').map_or(m, |(_, v)| v).trim().to_owned()),
        groups,
    })
}

/// The first JSON value of `text`, whatever follows it (SNS appends an unsubscribe note).
fn first_value(text: &str) -> Option<Value> {
    serde_json::Deserializer::from_str(text)
        .into_iter::<Value>()
        .next()?
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounced_recipients_become_groups_even_when_a_relay_broke_the_line() {
        let text = "{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\",\"bouncedRecipients\":[{\"emailAddress\":\"a@example.org\",\"action\":\"failed\",\"status\":\"5.1.1\",\"diagnosticCode\":\"smtp; 550 5.1.1 user unknown\"}],\"reportingMTA\":\"dsn; a1.smtp-out.example.com\"},\"mail\":{\"x\":\"a!\n b\"}}\n\n--\nIf you wish to stop receiving notifications";
        let report = read(text).expect("a notification");
        assert_eq!(
            report.reporting_mta.as_deref(),
            Some("a1.smtp-out.example.com")
        );
        assert_eq!(report.groups.len(), 1);
        assert_eq!(report.groups[0].status.as_deref(), Some("5.1.1"));
        assert_eq!(
            report.groups[0].diagnostic.as_deref(),
            Some("550 5.1.1 user unknown")
        );
        assert!(read("{\"x\": 1}").is_none());
    }
}
