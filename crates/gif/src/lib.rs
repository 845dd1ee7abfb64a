//! # convviz-gif
//!
//! Animated GIF export for convviz: RGBA frames, as a `<canvas>` hands them out, to the bytes of
//! a GIF file.
//!
//! A crate (and a wasm module) of its own, apart from the maths of `convviz`: the page loads it
//! with a dynamic `import()` the first time someone exports a GIF, so that the module every
//! visitor downloads carries only the convolutions. [`encode_gif`] is the pure encoder; [`wasm`]
//! is its JavaScript boundary (`encodeGif`); [`Error`] the error type (from `convviz-common`).
//!
//! This crate checks the arguments, turns RGBA into palette indices (its own median cut) and
//! crops each frame to what changed; the maintained [`gif`] crate writes the file (blocks and
//! LZW, with `weezl`).
//!
//! ```text
//!  rgba: frame 0 (H·W·4 bytes) | frame 1 | … | frame n-1
//!          │  alpha composited over white (GIF pixels are opaque)
//!          ▼
//!  ≤ 256 colours in all frames together? ── yes ─▶ exact global palette (the usual case)
//!          │ no
//!          ▼
//!  median cut over a 5-5-5-bit histogram of all frames ─▶ one global palette of 256 colours
//!          │
//!          ▼
//!  each frame cropped to the rectangle that differs from the frame before (disposal "keep":
//!  a viewer draws it over the frame before, which stays on screen around it)
//!          ▼
//!  gif::Encoder: "GIF89a" · screen descriptor · global colour table · NETSCAPE2.0 loop
//!  · per frame: graphic control (delay, keep) · image descriptor · LZW data · … · trailer
//! ```
//!
//! The `gif` crate's encoder (without its `color_quant` feature) made the optimised wasm
//! 10.3 KB larger than the hand-written GIF89a writer it replaced (34,048 → 44,342 bytes,
//! gzipped 16,342 → 20,229); the module still loads only on the first GIF export. The files are
//! the same byte for byte until the 4,096 codes of an LZW dictionary are used up (never, in a
//! typical export). The tests decode every result with the `gif` crate's decoder, composited as
//! a viewer does, and with a strict decoder of their own.
//!
//! Why not the `gif` crate's `Frame::from_rgba_speed` (NeuQuant)? It makes the module several
//! times larger than the median cut here; its palette changes from frame to frame (colours
//! flicker in an animation); and it is slower, for a larger file (the cropping to what changed is
//! ours). The README's size section has the module's bytes.

#![warn(missing_docs)]

pub mod wasm;

pub use convviz_common::{Error, ErrorKind, Result};

/// The wasm allocator: `talc`, as in the main module (smaller than the standard library's
/// dlmalloc).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// The cap on the RGBA bytes of all frames together: 64 MiB (e.g. 140 frames of 400 × 300).
pub const MAX_GIF_INPUT_BYTES: usize = 64 << 20;

/// The cap on the number of frames.
pub const MAX_GIF_FRAMES: usize = 10_000;

/// The largest width or height of a GIF (the format stores them in 16 bits).
pub const MAX_GIF_SIDE: usize = u16::MAX as usize;

/// The shortest frame delay accepted, in milliseconds. Browsers play a GIF delay of 0 or 10 ms
/// as 100 ms, so anything shorter than 20 ms would not be shown as asked.
pub const MIN_GIF_DELAY_MS: u32 = 20;

/// The longest frame delay accepted, in milliseconds (65,535 hundredths of a second).
pub const MAX_GIF_DELAY_MS: u32 = 655_350;

/// Encode RGBA frames as an animated GIF.
///
/// `rgba` holds the frames one after another, each `height` rows of `width` pixels of 4 bytes
/// (R, G, B, A), row-major: exactly what `ImageData.data` holds. Every frame is shown for
/// `delay_ms` (rounded to the nearest 10 ms, GIF's unit); with `repeat_forever` the animation
/// loops, otherwise it plays once.
///
/// Pixels that are not fully opaque are composited over white (a GIF pixel is opaque or fully
/// transparent; a transparent canvas background becomes white). When all frames together use at
/// most 256 colours the one global palette is exact; otherwise it is a median cut of all frames
/// (256 colours, the same in every frame, so nothing flickers). Each frame is stored as the
/// rectangle where it differs from the frame before, so that a sliding kernel costs a few bytes
/// per frame. There is one GIF frame per input frame.
///
/// ```
/// use convviz_gif::encode_gif;
/// // Two 2 × 1 frames: red|blue, then blue|red.
/// let frames = [255, 0, 0, 255, 0, 0, 255, 255, 0, 0, 255, 255, 255, 0, 0, 255];
/// let bytes = encode_gif(2, 1, &frames, 500, true).unwrap();
/// assert_eq!(&bytes[..6], b"GIF89a");
/// let e = encode_gif(0, 1, &frames, 500, true).unwrap_err();
/// assert_eq!((e.arg(), e.kind()), ("width", convviz_gif::ErrorKind::InvalidValue));
/// assert_eq!(e.to_string(), "width: must be between 1 and 65535 pixels (got 0)");
/// ```
///
/// # Errors
/// An [`Error`] naming the argument:
/// - `width` / `height`: 0 or more than [`MAX_GIF_SIDE`] ([`ErrorKind::InvalidValue`]);
/// - `delay_ms`: outside [`MIN_GIF_DELAY_MS`]..=[`MAX_GIF_DELAY_MS`] ([`ErrorKind::InvalidValue`]);
/// - `rgba`: empty, or not a whole number of `width · height · 4`-byte frames
///   ([`ErrorKind::Shape`]); more than [`MAX_GIF_INPUT_BYTES`] bytes (in all, or in one frame)
///   or more than [`MAX_GIF_FRAMES`] frames ([`ErrorKind::TooLarge`]).
pub fn encode_gif(
    width: usize,
    height: usize,
    rgba: &[u8],
    delay_ms: u32,
    repeat_forever: bool,
) -> Result<Vec<u8>> {
    check_args(width, height, rgba, delay_ms)?;
    let delay = ((delay_ms + 5) / 10) as u16;
    let (palette, indices) = exact_palette(rgba).unwrap_or_else(|| median_cut_palette(rgba));
    write_gif(width, height, &palette, &indices, delay, repeat_forever).map_err(|_| {
        // With checked arguments and a `Vec` to write to, the encoder can only fail to
        // allocate (`gif::EncodingError::OutOfMemory`). Not formatting its error saves 2 KB.
        Error::new(
            ErrorKind::TooLarge,
            "rgba",
            "the GIF encoder ran out of memory; use fewer or smaller frames",
        )
    })
}

/// The GIF file, written by the `gif` crate: the global `palette` (`[r, g, b, …]`, at most 256
/// colours), then one frame per `width · height` palette indices, each cropped to the rectangle
/// that differs from the frame before and drawn over it (disposal "keep"). `width` and `height`
/// are at most [`MAX_GIF_SIDE`] (checked by the caller).
fn write_gif(
    width: usize,
    height: usize,
    palette: &[u8],
    indices: &[u8],
    delay: u16,
    repeat_forever: bool,
) -> std::result::Result<Vec<u8>, gif::EncodingError> {
    let side = |v: usize| v as u16;
    let mut encoder = gif::Encoder::new(Vec::new(), side(width), side(height), palette)?;
    if repeat_forever {
        encoder.set_repeat(gif::Repeat::Infinite)?;
    }
    let mut previous: Option<&[u8]> = None;
    for frame in indices.chunks_exact(width * height) {
        let rect = changed_rect(frame, previous, width, height);
        encoder.write_frame(&gif::Frame {
            delay,
            dispose: gif::DisposalMethod::Keep,
            left: side(rect.x),
            top: side(rect.y),
            width: side(rect.w),
            height: side(rect.h),
            buffer: crop(frame, width, rect).into(),
            ..gif::Frame::default()
        })?;
        previous = Some(frame);
    }
    encoder.into_inner()
}

/// Check every argument.
fn check_args(width: usize, height: usize, rgba: &[u8], delay_ms: u32) -> Result<()> {
    for (arg, side) in [("width", width), ("height", height)] {
        if !(1..=MAX_GIF_SIDE).contains(&side) {
            return Err(Error::value(
                arg,
                format!("must be between 1 and {MAX_GIF_SIDE} pixels (got {side})"),
            ));
        }
    }
    if !(MIN_GIF_DELAY_MS..=MAX_GIF_DELAY_MS).contains(&delay_ms) {
        return Err(Error::value(
            "delay_ms",
            format!(
                "must be between {MIN_GIF_DELAY_MS} and {MAX_GIF_DELAY_MS} milliseconds (got {delay_ms})"
            ),
        ));
    }
    if rgba.len() > MAX_GIF_INPUT_BYTES {
        return Err(Error::new(
            ErrorKind::TooLarge,
            "rgba",
            format!(
                "{} bytes exceed the cap of {MAX_GIF_INPUT_BYTES} bytes (64 MiB) of frames; use fewer or smaller frames",
                rgba.len()
            ),
        ));
    }
    let len = rgba.len();
    let frame_len = width
        .checked_mul(height)
        .and_then(|n| n.checked_mul(4))
        .filter(|&n| n <= MAX_GIF_INPUT_BYTES);
    let Some(frame_len) = frame_len else {
        return Err(Error::new(
            ErrorKind::TooLarge,
            "rgba",
            format!("one frame of {width}×{height} pixels exceeds the cap of {MAX_GIF_INPUT_BYTES} bytes (64 MiB)"),
        ));
    };
    if len == 0 || !len.is_multiple_of(frame_len) {
        return Err(Error::shape(
            "rgba",
            format!(
                "expected whole frames of width·height·4 = {width}·{height}·4 = {frame_len} bytes, got {len} bytes"
            ),
        ));
    }
    let frames = len / frame_len;
    if frames > MAX_GIF_FRAMES {
        return Err(Error::new(
            ErrorKind::TooLarge,
            "rgba",
            format!("{frames} frames exceed the cap of {MAX_GIF_FRAMES} frames"),
        ));
    }
    Ok(())
}

/// A pixel's colour composited over white, as `0x00RRGGBB`.
#[inline]
fn opaque_rgb(px: &[u8]) -> u32 {
    let a = u32::from(px[3]);
    let over_white = |c: u8| {
        if a == 255 {
            u32::from(c)
        } else {
            (u32::from(c) * a + 255 * (255 - a) + 127) / 255
        }
    };
    (over_white(px[0]) << 16) | (over_white(px[1]) << 8) | over_white(px[2])
}

/// The palette (`[r, g, b, …]`) and one index per pixel of every frame, when all frames
/// together use at most 256 colours; `None` otherwise.
fn exact_palette(rgba: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    const SLOTS: usize = 1024; // ≤ 256 colours: the table stays at most a quarter full
    const EMPTY: u32 = u32::MAX; // never a colour (colours are 0x00RRGGBB)
    let mut keys = [EMPTY; SLOTS];
    let mut values = [0u8; SLOTS];
    let mut palette: Vec<u8> = Vec::with_capacity(256 * 3);
    let mut indices = Vec::with_capacity(rgba.len() / 4);
    let mut last: Option<(u32, u8)> = None;
    for px in rgba.chunks_exact(4) {
        let c = opaque_rgb(px);
        let index = match last {
            Some((lc, li)) if lc == c => li,
            _ => {
                let mut slot = (c.wrapping_mul(0x9E37_79B1) >> 22) as usize; // top 10 bits
                loop {
                    if keys[slot] == c {
                        break values[slot];
                    }
                    if keys[slot] == EMPTY {
                        let n = palette.len() / 3;
                        if n == 256 {
                            return None;
                        }
                        keys[slot] = c;
                        values[slot] = n as u8;
                        palette.extend_from_slice(&[(c >> 16) as u8, (c >> 8) as u8, c as u8]);
                        break n as u8;
                    }
                    slot = (slot + 1) % SLOTS;
                }
            }
        };
        last = Some((c, index));
        indices.push(index);
    }
    Some((palette, indices))
}

/// A 256-colour palette for frames with more colours, and one index per pixel: median cut over
/// the occupied cells of a 32 × 32 × 32 histogram (5 bits per channel) of all frames.
///
/// The box with the most pixels times widest channel range is split at the pixel-weighted
/// median of that channel until there are 256 boxes (or no box holds two cells); each box's
/// colour is the mean of its pixels. Deterministic; integer arithmetic only.
fn median_cut_palette(rgba: &[u8]) -> (Vec<u8>, Vec<u8>) {
    const CELLS: usize = 1 << 15;
    let cell_of =
        |c: u32| (((c >> 19) & 31) << 10 | ((c >> 11) & 31) << 5 | ((c >> 3) & 31)) as usize;
    let mut count = vec![0u64; CELLS];
    let mut sum = vec![[0u64; 3]; CELLS];
    for px in rgba.chunks_exact(4) {
        let c = opaque_rgb(px);
        let cell = cell_of(c);
        count[cell] += 1;
        for (k, shift) in [16, 8, 0].into_iter().enumerate() {
            sum[cell][k] += u64::from((c >> shift) & 255);
        }
    }
    // Occupied cells with their mean colour and weight.
    let mut cells: Vec<Cell> = (0..CELLS)
        .filter(|&i| count[i] > 0)
        .map(|i| Cell {
            id: i,
            mean: sum[i].map(|s| ((s + count[i] / 2) / count[i]) as u8),
            n: count[i],
        })
        .collect();
    // Boxes are ranges of `cells`; split the fattest until there are 256.
    let mut boxes = vec![ColourBox::new(&cells, 0, cells.len())];
    while boxes.len() < 256 {
        let Some(b) = (0..boxes.len())
            .filter(|&b| boxes[b].score > 0)
            .max_by_key(|&b| (boxes[b].score, usize::MAX - b))
        else {
            break; // every box is a single cell: fewer than 256 colours suffice
        };
        let ColourBox {
            start, end, axis, ..
        } = boxes[b];
        let cs = &mut cells[start..end];
        sort_by_channel(cs, axis);
        let half = cs.iter().map(|c| c.n).sum::<u64>() / 2;
        let mut acc = 0;
        let below = cs
            .iter()
            .position(|c| {
                acc += c.n;
                acc > half
            })
            .unwrap_or(0)
            .clamp(1, cs.len() - 1);
        boxes[b] = ColourBox::new(&cells, start, start + below);
        boxes.push(ColourBox::new(&cells, start + below, end));
    }
    let mut palette = Vec::with_capacity(boxes.len() * 3);
    let mut lut = vec![0u8; CELLS];
    for (index, b) in boxes.iter().enumerate() {
        let cs = &cells[b.start..b.end];
        let n = b.pixels.max(1);
        let mut total = [0u64; 3];
        for c in cs {
            lut[c.id] = index as u8;
            for (t, s) in total.iter_mut().zip(sum[c.id]) {
                *t += s;
            }
        }
        palette.extend(total.map(|t| ((t + n / 2) / n) as u8));
    }
    let indices = rgba
        .chunks_exact(4)
        .map(|px| lut[cell_of(opaque_rgb(px))])
        .collect();
    (palette, indices)
}

/// An occupied cell of the colour histogram.
#[derive(Clone, Copy, Default)]
struct Cell {
    id: usize,
    mean: [u8; 3],
    n: u64,
}

/// A box of median cut: `cells[start..end]`, its pixel count, widest channel and split priority
/// (pixels × (range + 1); 0 when it cannot be split).
#[derive(Clone, Copy)]
struct ColourBox {
    start: usize,
    end: usize,
    pixels: u64,
    axis: usize,
    score: u64,
}

impl ColourBox {
    fn new(cells: &[Cell], start: usize, end: usize) -> Self {
        let cs = &cells[start..end];
        let (mut lo, mut hi, mut pixels) = ([255u8; 3], [0u8; 3], 0);
        for c in cs {
            pixels += c.n;
            for k in 0..3 {
                lo[k] = lo[k].min(c.mean[k]);
                hi[k] = hi[k].max(c.mean[k]);
            }
        }
        let (mut axis, mut range) = (0, 0);
        for k in 0..3 {
            if hi[k].saturating_sub(lo[k]) > range {
                (axis, range) = (k, hi[k] - lo[k]);
            }
        }
        let score = if cs.len() < 2 {
            0
        } else {
            pixels * (u64::from(range) + 1)
        };
        ColourBox {
            start,
            end,
            pixels,
            axis,
            score,
        }
    }
}

/// Sort cells by one channel of their mean colour (a stable counting sort: small code, linear).
fn sort_by_channel(cs: &mut [Cell], axis: usize) {
    let mut first = [0usize; 257];
    for c in cs.iter() {
        first[usize::from(c.mean[axis]) + 1] += 1;
    }
    for v in 1..257 {
        first[v] += first[v - 1];
    }
    let mut sorted: Vec<Cell> = Vec::with_capacity(cs.len());
    sorted.resize_with(cs.len(), Cell::default);
    for c in cs.iter() {
        let slot = &mut first[usize::from(c.mean[axis])];
        sorted[*slot] = *c;
        *slot += 1;
    }
    cs.copy_from_slice(&sorted);
}

/// A rectangle of a frame, in pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Rect {
    x: usize,
    y: usize,
    w: usize,
    h: usize,
}

/// The smallest rectangle outside which `frame` equals `previous` (one index per pixel); the
/// whole frame for the first one, and a 1 × 1 rectangle when nothing changed (a GIF frame needs
/// at least one pixel).
fn changed_rect(frame: &[u8], previous: Option<&[u8]>, width: usize, height: usize) -> Rect {
    let whole = Rect {
        x: 0,
        y: 0,
        w: width,
        h: height,
    };
    let Some(prev) = previous else {
        return whole;
    };
    let row_len = width;
    let rows_differ =
        |y: usize| frame[y * row_len..(y + 1) * row_len] != prev[y * row_len..(y + 1) * row_len];
    let Some(top) = (0..height).find(|&y| rows_differ(y)) else {
        return Rect {
            x: 0,
            y: 0,
            w: 1,
            h: 1,
        };
    };
    let bottom = (top..height).rev().find(|&y| rows_differ(y)).unwrap_or(top);
    let (mut left, mut right) = (width, 0);
    for y in top..=bottom {
        let row = &frame[y * row_len..(y + 1) * row_len];
        let old = &prev[y * row_len..(y + 1) * row_len];
        let differs = |x: usize| row[x] != old[x];
        if let Some(l) = (0..left.min(width)).find(|&x| differs(x)) {
            left = l;
        }
        if let Some(r) = (right..width).rev().find(|&x| differs(x)) {
            right = right.max(r);
        }
    }
    if left > right {
        return whole; // unreachable: some row differs; stay safe anyway
    }
    Rect {
        x: left,
        y: top,
        w: right - left + 1,
        h: bottom - top + 1,
    }
}

/// The pixels of `rect` from a frame `width` pixels wide.
fn crop(frame: &[u8], width: usize, rect: Rect) -> Vec<u8> {
    let mut out = Vec::with_capacity(rect.w * rect.h);
    for y in rect.y..rect.y + rect.h {
        let start = y * width + rect.x;
        out.extend_from_slice(&frame[start..start + rect.w]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_rect_finds_the_differing_box() {
        let prev = vec![0u8; 5 * 4];
        let mut next = prev.clone();
        next[6] = 1; // (x 1, y 1)
        next[3 * 5 + 3] = 2; // (x 3, y 3)
        let r = changed_rect(&next, Some(&prev), 5, 4);
        assert_eq!(
            r,
            Rect {
                x: 1,
                y: 1,
                w: 3,
                h: 3
            }
        );
        assert_eq!(
            changed_rect(&prev, Some(&prev), 5, 4),
            Rect {
                x: 0,
                y: 0,
                w: 1,
                h: 1
            }
        );
        assert_eq!(
            changed_rect(&prev, None, 5, 4),
            Rect {
                x: 0,
                y: 0,
                w: 5,
                h: 4
            }
        );
    }

    #[test]
    fn alpha_is_composited_over_white() {
        assert_eq!(opaque_rgb(&[10, 20, 30, 255]), 0x0a141e);
        assert_eq!(opaque_rgb(&[0, 0, 0, 0]), 0xffffff);
        assert_eq!(opaque_rgb(&[0, 0, 0, 128]), 0x7f7f7f);
    }

    #[test]
    fn exact_palette_gives_up_past_256_colours() {
        let few: Vec<u8> = (0..256u32).flat_map(|i| [i as u8, 0, 0, 255]).collect();
        let (palette, indices) = exact_palette(&few).unwrap();
        assert_eq!(palette.len(), 256 * 3);
        assert_eq!(indices.len(), 256);
        let mut more = few.clone();
        more.extend_from_slice(&[0, 1, 0, 255]);
        assert!(exact_palette(&more).is_none());
    }
}
