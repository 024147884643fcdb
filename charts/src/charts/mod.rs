//! One module per kind of chart; each turns its data into drawing calls on a [`crate::canvas::Canvas`].

pub(crate) mod bars;
pub(crate) mod burnup;
pub(crate) mod map;
pub(crate) mod matrix;
mod outline;
pub(crate) mod trend;
