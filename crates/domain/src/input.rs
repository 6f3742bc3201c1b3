//! How raw form input is cleaned before a value type validates it.
//!
//! People paste ID numbers, phone numbers and credit codes from Word files,
//! chat apps and scanned PDFs; those often carry full-width characters
//! (`１２３Ｘ`) and stray spaces. Folding them here keeps each parser strict
//! about the *content* while forgiving about the *typing*.

/// Maps full-width ASCII variants (U+FF01..U+FF5E) and the ideographic space
/// to their ASCII counterparts; every other character is returned unchanged.
pub(crate) fn fold_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Folds full-width characters and drops all whitespace, so that
/// `" 1101 0519 4912 3100 2Ｘ "` becomes `"11010519491231002X"`.
pub(crate) fn compact(s: &str) -> String {
    s.chars()
        .map(fold_width)
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_full_width_digits_letters_and_spaces() {
        assert_eq!(compact("１２３\u{3000}ａＢｘＸ 9"), "123aBxX9");
        assert_eq!(fold_width('中'), '中');
    }
}
