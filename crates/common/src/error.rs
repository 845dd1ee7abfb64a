//! The error type: which argument was wrong, what kind of wrong, and a PyTorch-like message.

use std::fmt;

/// What kind of mistake an [`Error`] reports.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// An argument's value is outside what the operation accepts (zero stride, negative padding,
    /// a GIF width of 0…).
    InvalidValue,
    /// A tensor's or a buffer's shape does not fit the other arguments (channel counts, ranks,
    /// data length, RGBA bytes that are not a whole number of frames…).
    Shape,
    /// The arguments leave no output at all (kernel larger than the padded input…).
    OutputTooSmall,
    /// A padding that `padding_mode` cannot make from an input of this size (reflect: padding
    /// not smaller than the input; circular: padding larger than the input).
    PaddingTooLarge,
    /// A tensor, an intermediate or the GIF frames would exceed a cap (convviz's `MAX_ELEMENTS`
    /// and `MAX_MACS`, the encoder's `MAX_GIF_INPUT_BYTES` and `MAX_GIF_FRAMES`).
    TooLarge,
    /// A tensor holds NaN or ±∞.
    NonFinite,
}

impl ErrorKind {
    /// The variant's name, as the JS `Error`'s `.kind` carries it: `"InvalidValue"`,
    /// `"Shape"`, `"OutputTooSmall"`, `"PaddingTooLarge"`, `"TooLarge"` or `"NonFinite"`.
    ///
    /// ```
    /// assert_eq!(convviz_common::ErrorKind::OutputTooSmall.name(), "OutputTooSmall");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::InvalidValue => "InvalidValue",
            ErrorKind::Shape => "Shape",
            ErrorKind::OutputTooSmall => "OutputTooSmall",
            ErrorKind::PaddingTooLarge => "PaddingTooLarge",
            ErrorKind::TooLarge => "TooLarge",
            ErrorKind::NonFinite => "NonFinite",
        }
    }
}

/// An invalid argument: names the argument and says, in PyTorch's words where PyTorch has
/// some, what is wrong with it.
///
/// Its `Display` is `"<argument>: <message>"` (the message alone when `arg` is empty: an error
/// about no single argument).
///
/// ```
/// use convviz_common::{Error, ErrorKind};
/// let e = Error::value("stride", "stride should be greater than zero");
/// assert_eq!((e.arg(), e.kind()), ("stride", ErrorKind::InvalidValue));
/// assert_eq!(e.to_string(), "stride: stride should be greater than zero");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    arg: &'static str,
    message: String,
}

impl Error {
    /// Create an error of `kind` about argument `arg`.
    #[inline]
    pub fn new(kind: ErrorKind, arg: &'static str, message: impl Into<String>) -> Self {
        Error {
            kind,
            arg,
            message: message.into(),
        }
    }

    /// An [`ErrorKind::InvalidValue`] error.
    #[inline]
    pub fn value(arg: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidValue, arg, message)
    }

    /// An [`ErrorKind::Shape`] error.
    #[inline]
    pub fn shape(arg: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Shape, arg, message)
    }

    /// The kind of mistake.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The name of the offending argument, as PyTorch spells it (`stride`, `padding`, `weight`…)
    /// or as the encoder's call names it (`width`, `rgba`, `delay_ms`…); empty when the error
    /// concerns no single argument.
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
        if self.arg.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.arg, self.message)
        }
    }
}

impl std::error::Error for Error {}

/// The result type of both crates.
pub type Result<T> = std::result::Result<T, Error>;
