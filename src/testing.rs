//! What unit tests share.

/// A xorshift generator from `seed` (not zero): the same pseudo-random numbers on every
/// run, so a generated input that fails a test fails it again.
pub fn xorshift(mut seed: u64) -> impl FnMut() -> u64 {
    move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    }
}

/// The knowledge unit tests diagnose with: the embedded tables, named in this one place so
/// that no stage below the engine reaches for them on its own.
pub fn knowledge() -> &'static crate::knowledge::Knowledge {
    crate::knowledge::Knowledge::embedded()
}

/// One message made ready for an analyzer the way the engine makes it: inputs parsed,
/// grouped into a case, facts derived and the verdict decided, all with [`knowledge`].
/// Analyzer tests build one, optionally add online results built by hand, and
/// [`run`](Self::run) one analyzer on it.
pub struct Scenario {
    /// The message the analyzer reads.
    pub message: crate::case::CaseMessage,
    /// Its facts.
    pub facts: crate::facts::MessageFacts,
    /// Its verdict.
    pub decision: crate::verdict::Decision,
    /// Online check results; `None` as when the checks are off.
    pub online: Option<crate::facts::online::OnlineResults>,
}

impl Scenario {
    /// The first message of the case `files` make (name, bytes), as the engine reads them.
    /// Panics with the input error: a test's input that cannot be read is a broken test.
    pub fn from_files(files: &[(&str, &[u8])]) -> Self {
        Self::from_files_at(files, 0)
    }

    /// As [`from_files`](Self::from_files), with the message at `index` of the case.
    pub fn from_files_at(files: &[(&str, &[u8])], index: usize) -> Self {
        let inputs = files
            .iter()
            .map(|(name, bytes)| {
                crate::input::load_bytes(name, bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
            })
            .collect();
        let case = crate::case::Case::from_inputs(inputs);
        let count = case.messages.len();
        // A case of no message is diagnosed as one empty message, as the engine does; an
        // index past the messages is a mistake in the test.
        let message = match case.messages.into_iter().nth(index) {
            Some(message) => message,
            None if count == 0 => crate::case::CaseMessage::default(),
            None => panic!("the case has {count} messages, no message {index}"),
        };
        Self::from_message(message)
    }

    /// One pasted or typed input named `name` (the name says nothing of its kind: content
    /// does).
    pub fn from_text(name: &str, text: &str) -> Self {
        Self::from_files(&[(name, text.as_bytes())])
    }

    /// A file under `tests/fixtures/` (`"headers/own-domain-spoof.txt"`).
    pub fn from_fixture(path: &str) -> Self {
        Self::from_fixture_at(path, 0)
    }

    /// As [`from_fixture`](Self::from_fixture), with the message at `index` of the case.
    pub fn from_fixture_at(path: &str, index: usize) -> Self {
        let bytes = fixture_bytes(path);
        Self::from_files_at(&[(path, &bytes)], index)
    }

    /// Files under `tests/fixtures/` read together as one case (a trace and the headers of
    /// the same message), its first message.
    pub fn from_fixtures(paths: &[&str]) -> Self {
        let bytes: Vec<Vec<u8>> = paths.iter().map(|p| fixture_bytes(p)).collect();
        let files: Vec<(&str, &[u8])> = paths
            .iter()
            .zip(&bytes)
            .map(|(p, b)| (*p, b.as_slice()))
            .collect();
        Self::from_files(&files)
    }

    /// A file under `../shared/samples/trace/` (beside the checkout, as in CI).
    pub fn from_sample(name: &str) -> Self {
        Self::from_sample_at(name, 0)
    }

    /// As [`from_sample`](Self::from_sample), with the message at `index` of the case.
    pub fn from_sample_at(name: &str, index: usize) -> Self {
        let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/samples/trace")
            .join(name);
        let bytes = std::fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()));
        Self::from_files_at(&[(name, &bytes)], index)
    }

    /// A message built by hand; facts and verdict derived from it as the engine does.
    pub fn from_message(message: crate::case::CaseMessage) -> Self {
        let facts = crate::facts::MessageFacts::derive(&message, knowledge());
        let decision = crate::verdict::decide(&message, &facts, knowledge());
        Self {
            message,
            facts,
            decision,
            online: None,
        }
    }

    /// A message with no evidence at all.
    pub fn empty() -> Self {
        Self::from_message(crate::case::CaseMessage::default())
    }

    /// The same message with the online checks switched on and giving `online`.
    #[must_use]
    pub fn with_online(mut self, online: crate::facts::online::OnlineResults) -> Self {
        self.online = Some(online);
        self
    }

    /// What an analyzer reads.
    pub fn context(&self) -> crate::analyzers::Context<'_> {
        crate::analyzers::Context {
            message: &self.message,
            facts: &self.facts,
            knowledge: knowledge(),
            online: self.online.as_ref(),
            decision: &self.decision,
        }
    }

    /// The findings `analyzer` gives on this message, labelled with its id as the registry
    /// labels them.
    pub fn run(&self, analyzer: &dyn crate::analyzers::Analyzer) -> Vec<crate::diagnosis::Finding> {
        let mut out = Vec::new();
        analyzer.analyze(&self.context(), &mut out);
        for finding in &mut out {
            analyzer.id().clone_into(&mut finding.analyzer);
        }
        out
    }

    /// The one finding `analyzer` gives with `code`; panics listing what it gave instead.
    pub fn finding(
        &self,
        analyzer: &dyn crate::analyzers::Analyzer,
        code: &str,
    ) -> crate::diagnosis::Finding {
        let out = self.run(analyzer);
        let codes: Vec<&str> = out.iter().map(|f| f.code.as_str()).collect();
        let mut matching = out.iter().filter(|f| f.code == code);
        match (matching.next(), matching.next()) {
            (Some(f), None) => f.clone(),
            _ => panic!("expected one {code} from {}, got {codes:?}", analyzer.id()),
        }
    }

    /// The codes `analyzer` gives on this message, in order.
    pub fn codes(&self, analyzer: &dyn crate::analyzers::Analyzer) -> Vec<String> {
        self.run(analyzer).into_iter().map(|f| f.code).collect()
    }
}

/// The bytes of a file under `tests/fixtures/`; panics naming it when it cannot be read.
fn fixture_bytes(path: &str) -> Vec<u8> {
    let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path);
    std::fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}
