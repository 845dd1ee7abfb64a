//! GIF export: frames encoded by `convviz_gif::encode_gif` decode to the same pictures, with
//! two decoders — the `gif` crate's (whose encoder writes the file, but whose decoder is
//! written apart from it), composited as a viewer does, and a strict one written here from the
//! GIF89a specification — and every bad argument is an error naming it.

use convviz_gif::{encode_gif, ErrorKind, MAX_GIF_FRAMES, MAX_GIF_INPUT_BYTES};

/// A decoded GIF: logical screen size, repeat, and each frame composited onto the screen.
struct Decoded {
    width: usize,
    height: usize,
    loops_forever: bool,
    delays_cs: Vec<u16>,
    screens: Vec<Vec<[u8; 3]>>,
}

/// Decode with both decoders, check that they agree, and return the result.
fn decode(bytes: &[u8]) -> Decoded {
    let crate_decoded = decode_with_gif_crate(bytes);
    let strict = strict_decode(bytes);
    assert_eq!(
        (crate_decoded.width, crate_decoded.height),
        (strict.width, strict.height)
    );
    assert_eq!(crate_decoded.loops_forever, strict.loops_forever);
    assert_eq!(crate_decoded.delays_cs, strict.delays_cs);
    assert!(
        crate_decoded.screens == strict.screens,
        "the two decoders disagree"
    );
    strict
}

/// Decode with the `gif` crate and composite every frame as a viewer does: each frame is drawn
/// over the screen at its offset, then disposed of as its graphic control extension says
/// (keep it; restore its rectangle to the background; or restore the screen from before it).
fn decode_with_gif_crate(bytes: &[u8]) -> Decoded {
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let mut decoder = options.read_info(bytes).expect("a valid GIF header");
    let (width, height) = (decoder.width() as usize, decoder.height() as usize);
    let background = decoder
        .bg_color()
        .and_then(|i| decoder.global_palette()?.get(3 * i..3 * i + 3))
        .map_or([0; 3], |c| [c[0], c[1], c[2]]);
    let mut screen = vec![background; width * height];
    let mut screens = Vec::new();
    let mut delays_cs = Vec::new();
    while let Some(frame) = decoder.read_next_frame().expect("a valid frame") {
        let (fw, fh) = (frame.width as usize, frame.height as usize);
        let (left, top) = (frame.left as usize, frame.top as usize);
        assert!(
            left + fw <= width && top + fh <= height,
            "frame inside the screen"
        );
        let before = screen.clone();
        for y in 0..fh {
            for x in 0..fw {
                let p = &frame.buffer[(y * fw + x) * 4..(y * fw + x) * 4 + 4];
                assert_eq!(p[3], 255, "every pixel opaque");
                screen[(top + y) * width + left + x] = [p[0], p[1], p[2]];
            }
        }
        delays_cs.push(frame.delay);
        screens.push(screen.clone());
        match frame.dispose {
            gif::DisposalMethod::Any | gif::DisposalMethod::Keep => {}
            gif::DisposalMethod::Background => {
                for y in top..top + fh {
                    screen[y * width + left..y * width + left + fw].fill(background);
                }
            }
            gif::DisposalMethod::Previous => screen = before,
        }
    }
    let loops_forever = decoder.repeat() == gif::Repeat::Infinite;
    Decoded {
        width,
        height,
        loops_forever,
        delays_cs,
        screens,
    }
}

/// A strict GIF decoder written from the GIF89a specification, for exactly what the encoder
/// is meant to write (what the `gif` crate's encoder writes for it): header, logical screen with a global colour table, an optional
/// NETSCAPE2.0 loop extension, then per frame a graphic control extension (disposal "keep",
/// no transparency) and an image without a local table or interlacing, then the trailer. The
/// LZW data must start with a clear code, stop at the end code with nothing after it but
/// zero padding bits, and every code must be one the dictionary can hold.
fn strict_decode(b: &[u8]) -> Decoded {
    let u16_at = |i: usize| usize::from(b[i]) | usize::from(b[i + 1]) << 8;
    assert_eq!(&b[..6], b"GIF89a");
    let (width, height) = (u16_at(6), u16_at(8));
    let packed = b[10];
    assert_eq!(packed & 0x80, 0x80, "global colour table");
    let colours = 2usize << (packed & 7);
    let palette: Vec<[u8; 3]> = b[13..13 + 3 * colours]
        .chunks(3)
        .map(|c| [c[0], c[1], c[2]])
        .collect();
    let mut pos = 13 + 3 * colours;
    let mut loops_forever = false;
    let mut delay = None;
    let mut screen = vec![[0u8; 3]; width * height];
    let (mut screens, mut delays_cs) = (Vec::new(), Vec::new());
    loop {
        match b[pos] {
            0x21 if b[pos + 1] == 0xFF => {
                assert!(screens.is_empty(), "the loop extension comes first");
                assert_eq!(&b[pos + 2..pos + 14], b"\x0bNETSCAPE2.0");
                assert_eq!(&b[pos + 14..pos + 19], &[3, 1, 0, 0, 0], "loop forever");
                loops_forever = true;
                pos += 19;
            }
            0x21 if b[pos + 1] == 0xF9 => {
                assert_eq!(b[pos + 2], 4);
                assert_eq!(b[pos + 3], 1 << 2, "disposal keep, no transparency");
                assert_eq!(b[pos + 7], 0, "block terminator");
                assert!(delay.replace(u16_at(pos + 4) as u16).is_none());
                pos += 8;
            }
            0x2C => {
                let (left, top, fw, fh) = (
                    u16_at(pos + 1),
                    u16_at(pos + 3),
                    u16_at(pos + 5),
                    u16_at(pos + 7),
                );
                assert_eq!(b[pos + 9], 0, "no local table, not interlaced");
                assert!(left + fw <= width && top + fh <= height && fw * fh > 0);
                if screens.is_empty() {
                    assert_eq!((left, top, fw, fh), (0, 0, width, height));
                }
                let min_code_size = b[pos + 10];
                pos += 11;
                let mut data = Vec::new();
                while b[pos] != 0 {
                    let n = usize::from(b[pos]);
                    data.extend_from_slice(&b[pos + 1..pos + 1 + n]);
                    pos += 1 + n;
                }
                pos += 1;
                let indices = strict_lzw_decode(&data, min_code_size);
                assert_eq!(indices.len(), fw * fh, "one index per pixel");
                for (i, &index) in indices.iter().enumerate() {
                    assert!(usize::from(index) < colours, "index inside the table");
                    screen[(top + i / fw) * width + left + i % fw] = palette[usize::from(index)];
                }
                delays_cs.push(delay.take().expect("a graphic control extension per frame"));
                screens.push(screen.clone());
            }
            0x3B => {
                assert_eq!(pos + 1, b.len(), "nothing after the trailer");
                break;
            }
            other => panic!("unexpected block 0x{other:02x} at byte {pos}"),
        }
    }
    Decoded {
        width,
        height,
        loops_forever,
        delays_cs,
        screens,
    }
}

/// GIF's LZW, decoded strictly (see [`strict_decode`]).
fn strict_lzw_decode(data: &[u8], min_code_size: u8) -> Vec<u8> {
    assert!((2..=8).contains(&min_code_size));
    let clear = 1usize << min_code_size;
    let end = clear + 1;
    let roots = || -> Vec<Vec<u8>> { (0..end + 1).map(|i| vec![i as u8]).collect() };
    let mut bit = 0;
    let mut read = |width: usize| -> usize {
        assert!(
            bit + width <= data.len() * 8,
            "data ran out before the end code"
        );
        let code = (0..width).fold(0, |code, i| {
            code | usize::from(data[(bit + i) / 8] >> ((bit + i) % 8) & 1) << i
        });
        bit += width;
        code
    };
    let mut width = usize::from(min_code_size) + 1;
    assert_eq!(read(width), clear, "the data starts with a clear code");
    let (mut table, mut previous, mut out) = (roots(), None::<Vec<u8>>, Vec::new());
    loop {
        let code = read(width);
        if code == clear {
            (table, previous, width) = (roots(), None, usize::from(min_code_size) + 1);
            continue;
        }
        if code == end {
            break;
        }
        let entry = match &previous {
            _ if code < table.len() && code != clear && code != end => table[code].clone(),
            Some(p) if code == table.len() => [p.as_slice(), &p[..1]].concat(),
            _ => panic!(
                "code {code} is not in the dictionary ({} entries)",
                table.len()
            ),
        };
        if let Some(p) = previous {
            if table.len() < 4096 {
                table.push([p.as_slice(), &entry[..1]].concat());
            }
        }
        out.extend_from_slice(&entry);
        previous = Some(entry);
        if table.len() == 1 << width && width < 12 {
            width += 1;
        }
    }
    assert!(data.len() * 8 - bit < 8, "whole bytes after the end code");
    assert!(
        (bit..data.len() * 8).all(|i| data[i / 8] >> (i % 8) & 1 == 0),
        "zero padding bits"
    );
    out
}

/// `n` frames of `w`×`h`: a grey background and a 2×2 kernel box at a different place in each,
/// plus a colour per frame in the top-left corner (when `colours` is true).
fn sliding_frames(w: usize, h: usize, n: usize) -> (Vec<u8>, Vec<Vec<[u8; 3]>>) {
    let mut rgba = Vec::new();
    let mut expected = Vec::new();
    let palette = [[220, 40, 40], [40, 160, 60], [30, 60, 200], [250, 200, 0]];
    for f in 0..n {
        let mut screen = vec![[200u8, 200, 200]; w * h];
        for dy in 0..2 {
            for dx in 0..2 {
                screen[(1 + dy) * w + f + dx] = palette[f % palette.len()];
            }
        }
        for px in &screen {
            rgba.extend_from_slice(&[px[0], px[1], px[2], 255]);
        }
        expected.push(screen);
    }
    (rgba, expected)
}

#[test]
fn three_frames_round_trip_through_the_gif_decoder() {
    let (w, h) = (7, 5);
    let (rgba, expected) = sliding_frames(w, h, 3);
    let bytes = encode_gif(w, h, &rgba, 250, true).unwrap();
    assert_eq!(&bytes[..6], b"GIF89a");
    let d = decode(&bytes);
    assert_eq!((d.width, d.height), (w, h));
    assert_eq!(d.screens.len(), 3);
    assert_eq!(d.screens, expected);
    assert_eq!(d.delays_cs, vec![25, 25, 25]);
    assert!(d.loops_forever);

    // Played once when not looping; delays round to the nearest 10 ms.
    let once = decode(&encode_gif(w, h, &rgba, 104, false).unwrap());
    assert!(!once.loops_forever);
    assert_eq!(once.delays_cs, vec![10, 10, 10]);
    assert_eq!(once.screens, expected);
}

#[test]
fn identical_frames_are_kept_as_frames() {
    let (w, h) = (4, 3);
    let (one, expected) = sliding_frames(w, h, 1);
    let rgba = [one.clone(), one.clone(), one].concat();
    let d = decode(&encode_gif(w, h, &rgba, 100, true).unwrap());
    assert_eq!(d.screens, vec![expected[0].clone(); 3]);
}

#[test]
fn transparent_pixels_become_white() {
    let rgba = [0, 0, 0, 0, 0, 0, 0, 255, 255, 0, 0, 128];
    let d = decode(&encode_gif(3, 1, &rgba, 100, true).unwrap());
    assert_eq!(
        d.screens[0],
        vec![[255, 255, 255], [0, 0, 0], [255, 127, 127]]
    );
}

#[test]
fn more_than_256_colours_still_encode() {
    // 3 frames of a 64×64 two-way gradient, 4096 colours each: the median-cut path, one
    // palette of 256 colours for 12,288.
    let (w, h) = (64, 64);
    let mut rgba = Vec::new();
    for f in 0..3usize {
        for i in 0..w * h {
            let (x, y) = (i % w, i / w);
            rgba.extend_from_slice(&[(x * 4) as u8, (y * 4) as u8, (f * 80) as u8, 255]);
        }
    }
    let d = decode(&encode_gif(w, h, &rgba, 100, true).unwrap());
    assert_eq!(d.screens.len(), 3);
    // Lossy but close: about 6 levels per channel on average (NeuQuant per frame: about 7).
    for (f, screen) in d.screens.iter().enumerate() {
        let mut total = 0u64;
        for (i, px) in screen.iter().enumerate() {
            let want = &rgba[(f * w * h + i) * 4..(f * w * h + i) * 4 + 3];
            total += (0..3).map(|c| px[c].abs_diff(want[c]) as u64).sum::<u64>();
        }
        let mean = total as f64 / (w * h * 3) as f64;
        assert!(mean < 9.0, "frame {f}: mean error {mean}");
    }
    // 256 distinct colours over all frames is still exact.
    let exact: Vec<u8> = (0..256u32)
        .flat_map(|i| [i as u8, 255 - i as u8, 7, 255])
        .collect();
    let d = decode(&encode_gif(16, 8, &exact, 100, true).unwrap());
    let want: Vec<[u8; 3]> = exact.chunks(4).map(|p| [p[0], p[1], p[2]]).collect();
    assert_eq!(d.screens, vec![want[..128].to_vec(), want[128..].to_vec()]);
}

#[test]
fn bad_arguments_are_errors_naming_them() {
    let frame = vec![255u8; 2 * 2 * 4];
    let err = |r: convviz_gif::Result<Vec<u8>>| r.unwrap_err();

    let e = err(encode_gif(0, 2, &frame, 100, true));
    assert_eq!((e.arg(), e.kind()), ("width", ErrorKind::InvalidValue));
    let e = err(encode_gif(2, 0, &frame, 100, true));
    assert_eq!(e.arg(), "height");
    let e = err(encode_gif(70_000, 2, &frame, 100, true));
    assert_eq!(e.arg(), "width");
    assert!(e.to_string().contains("65535"), "{e}");

    for delay in [0, 10, 19, 655_351, u32::MAX] {
        let e = err(encode_gif(2, 2, &frame, delay, true));
        assert_eq!(e.arg(), "delay_ms", "delay {delay}");
    }
    assert!(encode_gif(2, 2, &frame, 20, true).is_ok());
    assert!(encode_gif(2, 2, &frame, 655_350, true).is_ok());

    let e = err(encode_gif(2, 2, &[], 100, true));
    assert_eq!((e.arg(), e.kind()), ("rgba", ErrorKind::Shape));
    let e = err(encode_gif(2, 2, &frame[..15], 100, true));
    assert_eq!((e.arg(), e.kind()), ("rgba", ErrorKind::Shape));
    assert!(e.to_string().contains("16 bytes"), "{e}");
    let e = err(encode_gif(3, 2, &frame, 100, true));
    assert_eq!(e.arg(), "rgba");
    // A frame larger than the cap itself: too large, never an overflow.
    let e = err(encode_gif(65_535, 65_535, &frame, 100, true));
    assert_eq!((e.arg(), e.kind()), ("rgba", ErrorKind::TooLarge));

    let e = err(encode_gif(
        1,
        1,
        &vec![0u8; MAX_GIF_INPUT_BYTES + 4],
        100,
        true,
    ));
    assert_eq!((e.arg(), e.kind()), ("rgba", ErrorKind::TooLarge));
    let e = err(encode_gif(
        1,
        1,
        &vec![0u8; (MAX_GIF_FRAMES + 1) * 4],
        100,
        true,
    ));
    assert_eq!((e.arg(), e.kind()), ("rgba", ErrorKind::TooLarge));
    assert!(encode_gif(1, 1, &vec![0u8; MAX_GIF_FRAMES * 4], 100, true).is_ok());
}

/// A deterministic pseudo-random stream (xorshift64*).
fn rng(seed: u64) -> impl FnMut() -> u64 {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    move || {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// RGBA bytes of `n` pixels drawn from `colours` distinct opaque colours: random, or runs.
fn pixels(n: usize, colours: usize, runs: bool, seed: u64) -> Vec<u8> {
    let mut next = rng(seed);
    let mut current = 0;
    (0..n)
        .flat_map(|_| {
            if !runs || next().is_multiple_of(8) {
                current = (next() % colours as u64) as usize;
            }
            [
                current as u8,
                (current * 7 % 256) as u8,
                255 - current as u8,
                255,
            ]
        })
        .collect()
}

fn opaque_screen(rgba: &[u8]) -> Vec<[u8; 3]> {
    rgba.chunks(4).map(|p| [p[0], p[1], p[2]]).collect()
}

#[test]
fn every_code_width_boundary_decodes() {
    // One frame of 1…1100 pixels for palettes of 1, 2, 3, 5, 16 and 256 colours (LZW minimum
    // code sizes 2 to 8): every length ends the data at a different dictionary size, so the
    // end code is written at, just before and just after each widening from 3 to 12 bits.
    for colours in [1, 2, 3, 5, 16, 256] {
        for n in 1..=1100 {
            for runs in [false, true] {
                let rgba = pixels(n, colours, runs, (n * 31 + colours) as u64);
                let bytes = encode_gif(n, 1, &rgba, 100, n % 2 == 0).unwrap();
                let d = decode(&bytes);
                assert_eq!(
                    d.screens,
                    vec![opaque_screen(&rgba)],
                    "{colours} colours, {n} px"
                );
                assert_eq!(d.loops_forever, n % 2 == 0);
            }
        }
    }
}

#[test]
fn a_full_dictionary_still_decodes() {
    // Noise over 256 colours fills the 4,096 codes of the LZW dictionary about every 3,800
    // pixels (120,000 pixels: about 30 times over); noise over 4 colours fills it far more
    // slowly.
    for (colours, runs) in [(256, false), (4, false), (200, true)] {
        let (w, h) = (400, 300);
        let rgba = pixels(w * h, colours, runs, colours as u64);
        let d = decode(&encode_gif(w, h, &rgba, 40, true).unwrap());
        assert_eq!(d.screens, vec![opaque_screen(&rgba)], "{colours} colours");
        assert_eq!(d.delays_cs, vec![4]);
    }
}

#[test]
fn random_animations_round_trip() {
    // Random sizes and frame counts; each frame changes a random rectangle of the one before,
    // so the cropped frames have every position and size, including a whole-frame change and
    // no change at all.
    let mut next = rng(7);
    for case in 0..300 {
        let (w, h) = (1 + (next() % 40) as usize, 1 + (next() % 30) as usize);
        let frames = 1 + (next() % 6) as usize;
        let colours = [1, 2, 7, 100, 256][case % 5];
        let mut screen = pixels(w * h, colours, case % 2 == 0, case as u64);
        let mut rgba = Vec::new();
        let mut expected = Vec::new();
        for _ in 0..frames {
            rgba.extend_from_slice(&screen);
            expected.push(opaque_screen(&screen));
            let (x0, y0) = ((next() % w as u64) as usize, (next() % h as u64) as usize);
            let (x1, y1) = (
                x0 + (next() % (w - x0) as u64) as usize,
                y0 + (next() % (h - y0) as u64) as usize,
            );
            let fresh = pixels(w * h, colours, false, next());
            for y in y0..=y1 {
                for x in x0..=x1 {
                    let i = (y * w + x) * 4;
                    screen[i..i + 4].copy_from_slice(&fresh[i..i + 4]);
                }
            }
        }
        let delay_ms = 20 + (next() % 3000) as u32;
        let d = decode(&encode_gif(w, h, &rgba, delay_ms, true).unwrap());
        assert_eq!((d.width, d.height), (w, h));
        assert_eq!(d.screens, expected, "case {case}: {w}×{h}, {frames} frames");
        assert_eq!(d.delays_cs, vec![((delay_ms + 5) / 10) as u16; frames]);
    }
}

/// Each frame's rectangle (left, top, width, height), as the `gif` crate decodes it.
fn frame_rects(bytes: &[u8]) -> Vec<[u16; 4]> {
    let mut decoder = gif::DecodeOptions::new().read_info(bytes).unwrap();
    let mut rects = Vec::new();
    while let Some(f) = decoder.read_next_frame().unwrap() {
        rects.push([f.left, f.top, f.width, f.height]);
    }
    rects
}

#[test]
fn each_frame_is_stored_as_the_rectangle_that_changed() {
    // The 2×2 box moves one pixel right per frame (and changes colour): from the second frame
    // on, only the 3×2 rectangle it left and entered is stored.
    let (w, h) = (9, 6);
    let (rgba, _) = sliding_frames(w, h, 4);
    let bytes = encode_gif(w, h, &rgba, 100, true).unwrap();
    assert_eq!(
        frame_rects(&bytes),
        vec![[0, 0, 9, 6], [0, 1, 3, 2], [1, 1, 3, 2], [2, 1, 3, 2]]
    );
    // An unchanged frame is one pixel.
    let (one, _) = sliding_frames(w, h, 1);
    let bytes = encode_gif(w, h, &[one.clone(), one].concat(), 100, true).unwrap();
    assert_eq!(frame_rects(&bytes), vec![[0, 0, 9, 6], [0, 0, 1, 1]]);
}

/// Frames drawn as the GIF export draws them: a title line (the same text in every frame, then
/// a position counter that changes), and under it a kernel box sliding over a grid. With
/// `many_colours`, the background is a gradient of more than 256 colours (the median-cut path).
fn titled_frames(w: usize, h: usize, n: usize, many_colours: bool) -> Vec<u8> {
    let mut rgba = Vec::new();
    for f in 0..n {
        for y in 0..h {
            for x in 0..w {
                let background = if many_colours {
                    [
                        255 - (x % 64) as u8,
                        255 - (y * 3) as u8,
                        230 + (x / 64) as u8,
                    ]
                } else {
                    [255, 255, 255]
                };
                // "Glyphs": a fixed pattern of ink in rows 2..9, columns 2..w-20 (the title);
                // the last 16 columns of the line spell the frame number (the counter).
                let ink = (2..9).contains(&y)
                    && ((2..w - 20).contains(&x) && (x * 7 + y * 3) % 5 < 2
                        || (w - 18..w - 2).contains(&x) && (x + y + f) % 3 == 0);
                let in_box = (12..18).contains(&y) && (2 + 3 * f..8 + 3 * f).contains(&x);
                let px = match (ink, in_box) {
                    (true, _) => [31, 35, 40],
                    (_, true) => [220, 40, 40],
                    _ => background,
                };
                rgba.extend_from_slice(&[px[0], px[1], px[2], 255]);
            }
        }
    }
    rgba
}

#[test]
fn a_title_that_stays_is_whole_in_every_composited_frame() {
    // Issue #17: every frame after the first showed only the end of the title. The cause was
    // in the drawing of the frames (www/classroom/exporter.js; tests/node/gif.test.mjs exports
    // a GIF end to end); this is the encoder's side of it. Each frame stores only what changed
    // (the counter and the box); composited as a viewer does, every frame must equal its input
    // up to the palette (the same input colour always shows as the same palette colour), so an
    // unchanged title is whole and the same in every frame.
    let (w, h, n) = (120, 24, 9);
    for many_colours in [false, true] {
        let rgba = titled_frames(w, h, n, many_colours);
        let bytes = encode_gif(w, h, &rgba, 450, true).unwrap();
        let d = decode(&bytes);
        assert_eq!(d.screens.len(), n);
        let mut shown_as = std::collections::HashMap::new();
        for (f, screen) in d.screens.iter().enumerate() {
            let input = opaque_screen(&rgba[f * w * h * 4..(f + 1) * w * h * 4]);
            for (i, (&got, &want)) in screen.iter().zip(&input).enumerate() {
                let first = *shown_as.entry(want).or_insert(got);
                assert_eq!(
                    got,
                    first,
                    "frame {f}, pixel ({}, {}): {want:?} shown as {got:?}, elsewhere as {first:?}",
                    i % w,
                    i / w
                );
                if !many_colours {
                    assert_eq!(got, want, "frame {f}: exact palette");
                }
            }
            let title = |s: &[[u8; 3]]| -> Vec<[u8; 3]> {
                (2..9)
                    .flat_map(|y| s[y * w + 2..y * w + w - 20].to_vec())
                    .collect()
            };
            assert_eq!(title(screen), title(&d.screens[0]), "frame {f}: title");
        }
    }
}
