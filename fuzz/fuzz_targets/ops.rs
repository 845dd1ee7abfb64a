//! Fuzz the argument checks and all four operations (and the traces, the matrix and the
//! initialiser): any bytes → arguments → `Ok` or `Err` with a named argument, never a panic.
#![no_main]

use convviz::conv2d::{conv2d, Conv2dTrace};
use convviz::conv_transpose2d::{conv_transpose2d, ConvTranspose2dTrace};
use convviz::init::{default_init, LayerKind};
use convviz::matrix::conv_matrix;
use convviz::params::{Conv2dOptions, ConvTranspose2dOptions, Padding, PaddingMode, UnfoldOptions};
use convviz::tensor::{tensor1, tensor3, tensor4};
use convviz::unfold::{fold, unfold};
use libfuzzer_sys::fuzz_target;

/// Reads arguments from the fuzzer's bytes; past the end everything is 0.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn u8(&mut self) -> u8 {
        let (b, rest) = self.0.split_first().map_or((0, &[][..]), |(b, r)| (*b, r));
        self.0 = rest;
        b
    }
    /// Mostly small (−2..=13), sometimes extreme.
    fn int(&mut self) -> i64 {
        match self.u8() {
            250 => i64::MAX,
            251 => i64::MIN,
            252 => 1 << 40,
            253 => 1 << 24,
            254 => -(1 << 31),
            255 => 5000,
            b => (b % 16) as i64 - 2,
        }
    }
    fn pair(&mut self) -> [i64; 2] {
        [self.int(), self.int()]
    }
    fn value(&mut self) -> f32 {
        match self.u8() {
            255 => f32::NAN,
            254 => f32::INFINITY,
            b => b as f32 / 16.0 - 8.0,
        }
    }
    fn data(&mut self, shape: &[i64]) -> Vec<f32> {
        let len = shape.iter().try_fold(1i64, |a, &d| a.checked_mul(d.max(0))).unwrap_or(0);
        let wrong = (self.u8() % 5) as i64 - 2;
        let wrong = if self.u8() % 8 == 0 { wrong } else { 0 };
        let len = len.saturating_add(wrong).clamp(0, 1 << 14) as usize;
        let seed = self.value();
        (0..len).map(|i| seed + (i % 7) as f32).collect()
    }
}

fn check(r: Result<(), convviz::Error>) {
    if let Err(e) = r {
        assert!(!e.arg().is_empty() && !e.message().is_empty());
    }
}

fuzz_target!(|bytes: &[u8]| {
    let mut b = Bytes(bytes);
    let xs = [b.int(), b.int(), b.int(), b.int()];
    let ws = [b.int(), b.int(), b.int(), b.int()];
    let modes = [PaddingMode::Zeros, PaddingMode::Reflect, PaddingMode::Replicate, PaddingMode::Circular];
    let padding = b.pair();
    let copts = Conv2dOptions {
        stride: b.pair(),
        padding: match b.u8() % 3 { 0 => Padding::Explicit(padding), 1 => Padding::Same, _ => Padding::Valid },
        dilation: b.pair(),
        groups: b.int(),
        padding_mode: modes[(b.u8() % 4) as usize],
    };
    let output_size = b.pair();
    let topts = ConvTranspose2dOptions {
        stride: copts.stride,
        padding,
        output_padding: b.pair(),
        dilation: copts.dilation,
        groups: copts.groups,
        output_size: (b.u8() % 2 == 0).then_some(output_size),
    };
    let uopts = UnfoldOptions { kernel_size: [ws[2], ws[3]], dilation: copts.dilation, padding, stride: copts.stride };
    let xd = b.data(&xs);
    let wd = b.data(&ws);
    let bias_len = b.int();
    let bd = b.data(&[bias_len]);
    let x = tensor4("input", &xs, xd.clone());
    let w = tensor4("weight", &ws, wd);
    let bias = tensor1("bias", &[bias_len], bd).ok();
    let bv = bias.as_ref().map(|b| b.view());
    check(x.as_ref().map(|_| ()).map_err(Clone::clone));
    if let (Ok(x), Ok(w)) = (&x, &w) {
        check(conv2d(x.view(), w.view(), bv, &copts).map(|_| ()));
        check(Conv2dTrace::new(x.view(), w.view(), bv, &copts).map(|t| {
            let g = t.geometry;
            t.steps(g.batch - 1, g.out_channels - 1, g.output[0] - 1, g.output[1] - 1).unwrap();
        }));
        check(conv_transpose2d(x.view(), w.view(), bv, &topts).map(|_| ()));
        check(ConvTranspose2dTrace::new(x.view(), w.view(), bv, &topts).map(|_| ()));
        check(unfold(x.view(), &uopts).map(|_| ()));
        let k = w.slice(ndarray::s![0, 0, .., ..]).to_owned();
        check(conv_matrix([x.dim().2, x.dim().3], k.view(), &copts).map(|_| ()));
    }
    if let Ok(c) = tensor3("input", &xs[..3], xd) {
        check(fold(c.view(), output_size, &uopts).map(|_| ()));
    }
    check(default_init(LayerKind::Conv2d, xs[1], ws[0], [ws[2], ws[3]], copts.groups, true, 1).map(|_| ()));
    check(default_init(LayerKind::ConvTranspose2d, xs[1], ws[0], [ws[2], ws[3]], copts.groups, true, 1).map(|_| ()));
});
