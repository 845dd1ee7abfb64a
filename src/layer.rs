//! Prepared layers: `nn.Conv2d` and `nn.ConvTranspose2d` as modules rather than functional
//! calls. The weight and bias are checked (shape, finiteness, the options) and laid out for the
//! matrix product **once**; each [`Conv2dLayer::forward`] then only checks the input and runs.
//!
//! The results are exactly those of [`crate::conv2d::conv2d`] and
//! [`crate::conv_transpose2d::conv_transpose2d`]: the same code runs after the preparation.

use crate::conv2d::{check_finite4, conv2d_packed_into, pack_weight, Workspace};
use crate::conv_transpose2d::{conv_transpose2d_rows, weight_rows};
use crate::error::{Error, Result};
use crate::gemm::PackedA;
use crate::params::{
    check_weight_groups, Conv2dGeometry, Conv2dOptions, ConvTranspose2dGeometry,
    ConvTranspose2dOptions,
};
use crate::tensor::{check_bias, check_view_finite};
use ndarray::{Array1, Array4, ArrayView4};

/// The checks a layer's own tensors get once: a finite weight with no zero-sized dimension
/// (PyTorch cannot build such a module), and a bias of `out_channels` finite values.
fn check_parameters(weight: &Array4<f32>, bias: Option<&Array1<f32>>, out: usize) -> Result<()> {
    if weight.is_empty() {
        return Err(Error::shape(
            "weight",
            format!(
                "a layer's weight needs every dimension positive, got {}",
                crate::error::list(weight.shape())
            ),
        ));
    }
    check_view_finite("weight", &weight.view())?;
    check_bias(bias.map(|b| b.view()), out)
}

/// A `Conv2d` module: weight (C_out, C_in/groups, kh, kw), optional bias (C_out), options.
#[derive(Debug, Clone)]
pub struct Conv2dLayer {
    weight: Array4<f32>,
    bias: Option<Vec<f32>>,
    opts: Conv2dOptions,
    packed: Vec<PackedA>,
    ws: Workspace,
}

impl Conv2dLayer {
    /// Check the parameters and options and pack the weight.
    ///
    /// # Errors
    /// Non-positive stride/dilation/groups, negative padding, `'same'` with a stride, C_out
    /// not divisible by groups, an empty weight, a bias of the wrong length, NaN/±∞.
    pub fn new(
        weight: Array4<f32>,
        bias: Option<Array1<f32>>,
        opts: Conv2dOptions,
    ) -> Result<Self> {
        opts.check()?;
        let (out, w_in, kh, kw) = weight.dim();
        check_weight_groups("out_channels", [out, w_in, kh, kw], opts.groups as usize)?;
        check_parameters(&weight, bias.as_ref(), out)?;
        let packed = pack_weight(weight.view(), opts.groups as usize);
        Ok(Conv2dLayer {
            weight,
            bias: bias.map(|b| b.to_vec()),
            opts,
            packed,
            ws: Workspace::default(),
        })
    }

    /// The weight.
    pub fn weight(&self) -> &Array4<f32> {
        &self.weight
    }

    /// The options.
    pub fn options(&self) -> &Conv2dOptions {
        &self.opts
    }

    /// C_in: the input channels the layer takes (C_in/groups · groups).
    pub fn in_channels(&self) -> usize {
        self.weight.dim().1 * self.opts.groups as usize
    }

    /// C_out.
    pub fn out_channels(&self) -> usize {
        self.weight.dim().0
    }

    /// The sizes of a call on an input of shape `input` (N, C_in, H, W), checked.
    ///
    /// # Errors
    /// As [`Conv2dGeometry::new`].
    pub fn geometry(&self, input: [usize; 4]) -> Result<Conv2dGeometry> {
        let w = self.weight.dim();
        Conv2dGeometry::new(input, [w.0, w.1, w.2, w.3], &self.opts)
    }

    /// `layer(input)`: (N, C_in, H, W) → (N, C_out, H_out, W_out).
    ///
    /// # Errors
    /// What [`crate::conv2d::conv2d`] reports about the input: channels that do not match,
    /// a kernel larger than the padded input, padding the mode cannot apply, NaN/±∞, the cap.
    pub fn forward(&mut self, input: ArrayView4<f32>) -> Result<Array4<f32>> {
        let mut out = Vec::new();
        let shape = self.forward_into(input, &mut out)?;
        Ok(crate::tensor::from_vec_exact(shape, out))
    }

    /// [`Self::forward`] into `out` (resized to N·C_out·H_out·W_out, its allocation reused),
    /// returning the output shape. Calls on inputs of one size allocate nothing after the first.
    ///
    /// # Errors
    /// As [`Self::forward`]; `out` is left empty.
    pub fn forward_into(
        &mut self,
        input: ArrayView4<f32>,
        out: &mut Vec<f32>,
    ) -> Result<[usize; 4]> {
        out.clear();
        let i = input.dim();
        let g = self.geometry([i.0, i.1, i.2, i.3])?;
        check_finite4("input", &input)?;
        let [ho, wo] = g.output;
        out.resize(g.batch * g.out_channels * ho * wo, 0.0);
        conv2d_packed_into(
            input,
            &g,
            &self.packed,
            self.bias.as_deref(),
            &mut self.ws,
            out,
        );
        Ok([g.batch, g.out_channels, ho, wo])
    }
}

/// A `ConvTranspose2d` module: weight (C_in, C_out/groups, kh, kw), optional bias (C_out),
/// options (an `output_size` in them applies to every call, as if passed to `forward`).
#[derive(Debug, Clone)]
pub struct ConvTranspose2dLayer {
    weight: Array4<f32>,
    bias: Option<Vec<f32>>,
    opts: ConvTranspose2dOptions,
    rows: Vec<f32>,
}

impl ConvTranspose2dLayer {
    /// Check the parameters and options and reshape the weight for the product.
    ///
    /// # Errors
    /// Non-positive stride/dilation/groups, negative padding or output_padding, C_in not
    /// divisible by groups, an empty weight, a bias of the wrong length, NaN/±∞.
    pub fn new(
        weight: Array4<f32>,
        bias: Option<Array1<f32>>,
        opts: ConvTranspose2dOptions,
    ) -> Result<Self> {
        opts.check()?;
        let (cin, per_group, kh, kw) = weight.dim();
        check_weight_groups(
            "in_channels",
            [cin, per_group, kh, kw],
            opts.groups as usize,
        )?;
        check_parameters(&weight, bias.as_ref(), per_group * opts.groups as usize)?;
        let rows = weight_rows(weight.view());
        Ok(ConvTranspose2dLayer {
            weight,
            bias: bias.map(|b| b.to_vec()),
            opts,
            rows,
        })
    }

    /// The weight.
    pub fn weight(&self) -> &Array4<f32> {
        &self.weight
    }

    /// The options.
    pub fn options(&self) -> &ConvTranspose2dOptions {
        &self.opts
    }

    /// C_in.
    pub fn in_channels(&self) -> usize {
        self.weight.dim().0
    }

    /// C_out: C_out/groups · groups.
    pub fn out_channels(&self) -> usize {
        self.weight.dim().1 * self.opts.groups as usize
    }

    /// The sizes of a call on an input of shape `input` (N, C_in, H, W), checked.
    ///
    /// # Errors
    /// As [`ConvTranspose2dGeometry::new`].
    pub fn geometry(&self, input: [usize; 4]) -> Result<ConvTranspose2dGeometry> {
        let w = self.weight.dim();
        ConvTranspose2dGeometry::new(input, [w.0, w.1, w.2, w.3], &self.opts)
    }

    /// `layer(input, output_size)`: (N, C_in, H, W) → (N, C_out, H_out, W_out).
    ///
    /// # Errors
    /// What [`crate::conv_transpose2d::conv_transpose2d`] reports about the input.
    pub fn forward(&self, input: ArrayView4<f32>) -> Result<Array4<f32>> {
        let i = input.dim();
        let g = self.geometry([i.0, i.1, i.2, i.3])?;
        check_finite4("input", &input)?;
        Ok(conv_transpose2d_rows(
            input,
            &g,
            &self.rows,
            self.bias.as_deref(),
        ))
    }
}
