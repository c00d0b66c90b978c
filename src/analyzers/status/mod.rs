//! Step 2 analyzers: where the message actually landed, and which layer decided.

pub mod deciding_layer;
pub mod landing;
