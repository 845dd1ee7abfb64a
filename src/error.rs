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

/// `[a, b, c]`: a list of integers as `{:?}` writes it, without `Debug`'s formatting machinery
/// (its list builders cost the wasm module bytes that messages do not need).
pub(crate) fn list<T: Copy + TryInto<i64>>(v: &[T]) -> String {
    let mut s = String::from("[");
    for (i, &x) in v.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        // Every size and argument fits i64 (usize is at most 64 bits).
        push_int(&mut s, x.try_into().unwrap_or(i64::MAX));
    }
    s.push(']');
    s
}

/// Append the decimal digits of `x` (as `{}` writes them).
fn push_int(s: &mut String, x: i64) {
    if x < 0 {
        s.push('-');
    }
    let mut n = x.unsigned_abs();
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    s.extend(digits[at..].iter().map(|&d| char::from(d)));
}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::list;

    #[test]
    fn lists_are_written_as_debug_writes_them() {
        assert_eq!(list::<i64>(&[]), format!("{:?}", Vec::<i64>::new()));
        let signed = [0i64, -1, 7, i64::MIN, i64::MAX, 1 << 40];
        assert_eq!(list(&signed), format!("{signed:?}"));
        let sizes = [1usize, 3, 224, 16_777_216];
        assert_eq!(list(&sizes), format!("{sizes:?}"));
        assert_eq!(list(&sizes[..1]), "[1]");
    }
}
