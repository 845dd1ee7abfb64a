//! The error type of the GIF encoder: which argument was wrong, what kind of wrong, and a
//! message. The same shape as `convviz`'s own error (its `Display` is `"<argument>: <message>"`),
//! without depending on that crate.

use std::fmt;

/// What kind of mistake an [`Error`] reports.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// An argument's value is outside what the encoder accepts (a width of 0, a 5 ms delay…).
    InvalidValue,
    /// The RGBA bytes do not fit the other arguments (not a whole number of frames, not bytes…).
    Shape,
    /// The frames exceed a cap ([`MAX_GIF_INPUT_BYTES`](crate::MAX_GIF_INPUT_BYTES),
    /// [`MAX_GIF_FRAMES`](crate::MAX_GIF_FRAMES)).
    TooLarge,
}

/// An invalid argument: names the argument and says what is wrong with it.
///
/// Its `Display` is `"<argument>: <message>"`.
///
/// ```
/// use convviz_gif::{encode_gif, ErrorKind};
/// let e = encode_gif(0, 1, &[0, 0, 0, 255], 100, true).unwrap_err();
/// assert_eq!((e.arg(), e.kind()), ("width", ErrorKind::InvalidValue));
/// assert_eq!(e.to_string(), "width: must be between 1 and 65535 pixels (got 0)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    arg: &'static str,
    message: String,
}

impl Error {
    /// Create an error of `kind` about argument `arg`.
    pub fn new(kind: ErrorKind, arg: &'static str, message: impl Into<String>) -> Self {
        Error {
            kind,
            arg,
            message: message.into(),
        }
    }

    /// An [`ErrorKind::InvalidValue`] error.
    pub fn value(arg: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidValue, arg, message)
    }

    /// An [`ErrorKind::Shape`] error.
    pub fn shape(arg: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Shape, arg, message)
    }

    /// The kind of mistake.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The name of the offending argument (`width`, `height`, `rgba`, `delay_ms`).
    pub fn arg(&self) -> &'static str {
        self.arg
    }

    /// The message without the argument name.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.arg, self.message)
    }
}

impl std::error::Error for Error {}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, Error>;
