//! The bundled sample case: an admin-center trace and the matching `.eml`, so a newcomer
//! sees every step filled on first launch.

/// The sample's files, by name.
const FILES: &[(&str, &[u8])] = &[
    (
        "message-trace.txt",
        include_bytes!("../../assets/samples/message-trace.txt"),
    ),
    (
        "invoice-4471.eml",
        include_bytes!("../../assets/samples/invoice-4471.eml"),
    ),
];

/// The names of the sample's files, in load order.
pub fn names() -> impl Iterator<Item = &'static str> {
    FILES.iter().map(|(name, _)| *name)
}

/// The bytes of the sample file `name`.
pub fn bytes(name: &str) -> Option<&'static [u8]> {
    FILES.iter().find(|(n, _)| *n == name).map(|(_, b)| *b)
}
