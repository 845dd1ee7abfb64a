//! What convviz's two wasm modules share without one depending on the other (the core module
//! must not carry the GIF encoder, nor the encoder the core): the error type, whose `Display` is
//! `"<argument>: <message>"`, and the JS-boundary helpers that read integers and word values in
//! those messages.
#![warn(missing_docs)]

mod error;
pub mod js;

pub use error::{Error, ErrorKind, Result};
