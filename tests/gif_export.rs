//! GIF export: frames encoded by `convviz::gif::encode_gif` decode (with the `gif` crate's own
//! decoder) to the same pictures, and every bad argument is an error naming it.

use convviz::gif::{encode_gif, MAX_GIF_FRAMES, MAX_GIF_INPUT_BYTES};
use convviz::ErrorKind;

/// A decoded GIF: logical screen size, repeat, and each frame composited onto the screen.
struct Decoded {
    width: usize,
    height: usize,
    loops_forever: bool,
    delays_cs: Vec<u16>,
    screens: Vec<Vec<[u8; 3]>>,
}

fn decode(bytes: &[u8]) -> Decoded {
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let mut decoder = options.read_info(bytes).expect("a valid GIF header");
    let (width, height) = (decoder.width() as usize, decoder.height() as usize);
    let mut screen = vec![[0u8; 3]; width * height];
    let mut screens = Vec::new();
    let mut delays_cs = Vec::new();
    while let Some(frame) = decoder.read_next_frame().expect("a valid frame") {
        assert_eq!(frame.dispose, gif::DisposalMethod::Keep);
        let (fw, fh) = (frame.width as usize, frame.height as usize);
        let (left, top) = (frame.left as usize, frame.top as usize);
        assert!(
            left + fw <= width && top + fh <= height,
            "frame inside the screen"
        );
        for y in 0..fh {
            for x in 0..fw {
                let p = &frame.buffer[(y * fw + x) * 4..(y * fw + x) * 4 + 4];
                assert_eq!(p[3], 255, "every pixel opaque");
                screen[(top + y) * width + left + x] = [p[0], p[1], p[2]];
            }
        }
        delays_cs.push(frame.delay);
        screens.push(screen.clone());
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
    let err = |r: convviz::Result<Vec<u8>>| r.unwrap_err();

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
