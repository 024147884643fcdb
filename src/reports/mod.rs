//! Documents the program writes. For now a plain-text PDF writer for notes; the periodic
//! progress reports (HTML, PDF with charts, XLSX, CSV, Markdown) arrive with the reports issue.

pub mod textpdf;
