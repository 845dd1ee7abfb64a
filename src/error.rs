//! The one error type of the crate: which argument was wrong, what kind of wrong, and a
//! PyTorch-like message. The type itself is `convviz-common`'s (`crates/common`), which the GIF
//! encoder's module shares; the message helpers are here.

pub use convviz_common::{Error, ErrorKind, Result};

/// `[a, b, c]`: a list of integers as `{:?}` writes it, without `Debug`'s formatting machinery
/// (its list builders cost the wasm module bytes that messages do not need).
pub fn list<T: Copy + TryInto<i64>>(v: &[T]) -> String {
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
