//! The downloads of a page's actions (`templates/_downloads.html`): a workbook, and a CSV for
//! the reader's spreadsheet — for Dutch Excel on a Dutch page (`;`, a byte order mark, decimal
//! commas), comma-separated on an English one — with the page's filter and moment.

use crate::web::as_of::AsOfView;
use crate::web::i18n::Lang;

#[derive(Debug, Clone)]
pub struct Downloads {
    pub xlsx: String,
    pub csv: String,
}

impl Downloads {
    /// The actions `filter` selects (`[("ministry", "BZK")]`), as of the page's moment.
    pub fn new(lang: Lang, as_of: &AsOfView, filter: &[(&str, &str)]) -> Self {
        let url = |format: &str| {
            let mut query = form_urlencoded::Serializer::new(String::new());
            query.append_pair("format", format);
            query.append_pair("lang", lang.code());
            for (key, value) in filter {
                query.append_pair(key, value);
            }
            if let Some(moment) = &as_of.param {
                query.append_pair("as_of", moment);
            }
            format!("/export/acties?{}", query.finish())
        };
        Self {
            xlsx: url("xlsx"),
            csv: url("csv"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downloads_carry_the_language_the_filter_and_the_moment() {
        let as_of = AsOfView {
            param: Some("2021-03-31".into()),
            ..AsOfView::default()
        };
        let downloads = Downloads::new(Lang::Nl, &as_of, &[("area", "den-haag-zuidwest")]);
        assert_eq!(
            downloads.csv,
            "/export/acties?format=csv&lang=nl&area=den-haag-zuidwest&as_of=2021-03-31"
        );
        let now = Downloads::new(Lang::En, &AsOfView::default(), &[]);
        assert_eq!(now.xlsx, "/export/acties?format=xlsx&lang=en");
    }
}
