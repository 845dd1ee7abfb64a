//! The one error type of the crate: which argument was wrong, what kind of wrong, and a
//! PyTorch-like message.

use std::fmt;

/// What kind of mistake an [`Error`] reports.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// An argument's value is outside what the operation accepts (zero stride, negative padding…).
    InvalidValue,
    /// A tensor's shape does not fit the other arguments (channel counts, ranks, data length…).
    Shape,
    /// The arguments leave no output at all (kernel larger than the padded input…).
    OutputTooSmall,
    /// A tensor or intermediate would exceed [`MAX_ELEMENTS`](crate::MAX_ELEMENTS).
    TooLarge,
    /// A tensor holds NaN or ±∞.
    NonFinite,
}

/// An invalid argument: names the argument and says, in PyTorch's words where PyTorch has
/// some, what is wrong with it.
///
/// Its `Display` is `"<argument>: <message>"`.
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

    /// The name of the offending argument, as PyTorch spells it (`stride`, `padding`, `weight`…).
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
