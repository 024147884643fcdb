//! Progress charts for Versnellingsmonitor: plain data structures in, SVG and PNG bytes out.
//! The renderers arrive with the charts issue; this crate does no IO and knows no database.
