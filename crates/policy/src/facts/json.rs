//! A strict, single-pass reader from JSON text straight into [`Facts`].
//!
//! Hand-written rather than serde-derived for two reasons: every refusal must
//! carry the exact JSON path and a stable code (serde's errors carry neither
//! without a slower wrapper), and screening a population end to end from JSON
//! lines is bounded by this parser, so it borrows strings from the input and
//! builds no intermediate document tree.

use super::*;
use crate::calendar::{Month, parse_date};
use crate::money::{Fen, MoneyError};
use std::borrow::Cow;

/// Reads one facts document. See the contract in `shared/spec/policy-screening.md`.
///
/// Unknown fields, unknown group codes, malformed dates, months and amounts,
/// negative money and values of the wrong type are refused with the JSON path
/// of the value (`$.person.groups[1]`), a stable `code` and a Chinese message.
/// Optional fields may be absent or `null`.
pub fn parse_facts(input: &str) -> Result<Facts, FactsError> {
    let mut p = Reader {
        b: input.as_bytes(),
        s: input,
        pos: 0,
        path: Path::default(),
    };
    let facts = p.facts().map_err(|e| *e)?;
    p.ws();
    if p.pos != p.b.len() {
        return Err(*p.err(
            "trailing_characters",
            format!("JSON文档结束后还有多余内容（第{}字节）", p.pos + 1),
        ));
    }
    Ok(facts)
}

#[derive(Clone, Copy)]
enum Seg {
    Key(&'static str),
    Index(usize),
}

/// The path of the value being read, kept on the stack: the schema nests at
/// most four levels deep, so pushing and popping never allocates.
struct Path {
    segs: [Seg; 8],
    len: usize,
}

impl Default for Path {
    fn default() -> Path {
        Path {
            segs: [Seg::Index(0); 8],
            len: 0,
        }
    }
}

impl Path {
    #[inline]
    fn push(&mut self, seg: Seg) {
        self.segs[self.len] = seg;
        self.len += 1;
    }

    #[inline]
    fn pop(&mut self) {
        self.len -= 1;
    }

    fn render(&self) -> String {
        let mut s = String::from("$");
        for seg in &self.segs[..self.len] {
            match seg {
                Seg::Key(k) => {
                    s.push('.');
                    s.push_str(k);
                }
                Seg::Index(i) => {
                    s.push('[');
                    s.push_str(&i.to_string());
                    s.push(']');
                }
            }
        }
        s
    }
}

struct Reader<'a> {
    b: &'a [u8],
    s: &'a str,
    pos: usize,
    path: Path,
}

/// Errors are boxed inside the reader so that the many small results on the
/// hot path stay small.
type R<T> = Result<T, Box<FactsError>>;

/// What kind of JSON value starts at a byte, for "expected X, found Y".
fn kind_zh(c: Option<u8>) -> &'static str {
    match c {
        Some(b'"') => "字符串",
        Some(b'{') => "对象",
        Some(b'[') => "数组",
        Some(b't' | b'f') => "布尔值",
        Some(b'n') => "null",
        Some(b'-' | b'0'..=b'9') => "数字",
        None => "文档结尾",
        Some(_) => "非法字符",
    }
}

/// Two ASCII digits as a number.
#[inline]
fn two(a: u8, b: u8) -> Option<u32> {
    let (a, b) = (a.wrapping_sub(b'0'), b.wrapping_sub(b'0'));
    (a < 10 && b < 10).then_some(u32::from(a) * 10 + u32::from(b))
}

/// `YYYY-MM` as [`Month::parse`] reads it.
#[inline]
fn month_bytes(b: &[u8]) -> Option<Month> {
    let [y0, y1, y2, y3, b'-', m0, m1] = *b else {
        return None;
    };
    let y = two(y0, y1)? * 100 + two(y2, y3)?;
    let m = two(m0, m1)?;
    (1..=12).contains(&m).then(|| Month::new(y as i32, m))
}

/// `"YYYY-MM"` with its quotes, the common form of a month, read from the
/// bytes directly; `None` sends the caller to the general path.
#[inline]
fn quoted_month(b: &[u8]) -> Option<Month> {
    let [b'"', inner @ .., b'"'] = b else {
        return None;
    };
    month_bytes(inner)
}

/// `"YYYY-MM-DD"` with its quotes, as [`parse_date`] reads the inside.
#[inline]
fn quoted_date(b: &[u8]) -> Option<NaiveDate> {
    let [b'"', y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1, b'"'] = *b else {
        return None;
    };
    let y = two(y0, y1)? * 100 + two(y2, y3)?;
    NaiveDate::from_ymd_opt(y as i32, two(m0, m1)?, two(d0, d1)?)
}

/// A plain amount after its opening quote, `1234.50"`: up to 15 digits, an
/// optional point with one or two digits, the closing quote. Returns the
/// amount (as [`Fen::parse`] reads it) and the bytes used, quote included;
/// `None` for anything else, which the general path then reads or refuses.
#[inline(always)]
fn plain_amount(b: &[u8]) -> Option<(Fen, usize)> {
    let mut i = 0;
    let mut yuan: i64 = 0;
    while let Some(&c) = b.get(i) {
        let d = c.wrapping_sub(b'0');
        if d >= 10 || i == 15 {
            break;
        }
        yuan = yuan * 10 + i64::from(d);
        i += 1;
    }
    if i == 0 {
        return None;
    }
    match b.get(i) {
        Some(b'"') => Some((Fen(yuan * 100), i + 1)),
        Some(b'.') => {
            let x = b.get(i + 1)?.wrapping_sub(b'0');
            if x >= 10 {
                return None;
            }
            match b.get(i + 2) {
                Some(b'"') => Some((Fen(yuan * 100 + i64::from(x) * 10), i + 3)),
                Some(&y) if y.is_ascii_digit() && b.get(i + 3) == Some(&b'"') => Some((
                    Fen(yuan * 100 + i64::from(x) * 10 + i64::from(y - b'0')),
                    i + 4,
                )),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Consumes `lit` at `*i` in `b` if it is there.
#[inline(always)]
fn eat<const N: usize>(b: &[u8], i: &mut usize, lit: &[u8; N]) -> bool {
    match b.get(*i..*i + N) {
        Some(h) if h == lit => {
            *i += N;
            true
        }
        _ => false,
    }
}

/// A quoted plain amount at `*i`, consumed if it is there.
#[inline(always)]
fn eat_amount(b: &[u8], i: &mut usize) -> Option<Fen> {
    if b.get(*i) != Some(&b'"') {
        return None;
    }
    let (fen, n) = plain_amount(&b[*i + 1..])?;
    *i += n + 1;
    Some(fen)
}

impl<'a> Reader<'a> {
    /// `{"month":"YYYY-MM","amount":"123.45"}` exactly as the canonical form
    /// writes a premium month, read in one pass without path bookkeeping.
    /// `None` (position unchanged) sends the caller to the general reader,
    /// which gives the same result or the refusal with its path.
    #[inline]
    fn premium_fast(&mut self) -> Option<(Month, Fen)> {
        let b = self.b.get(self.pos..)?;
        let mut i = 0;
        if !eat(b, &mut i, br#"{"month":"#) {
            return None;
        }
        let month = quoted_month(b.get(i..i + 9)?)?;
        i += 9;
        if !eat(b, &mut i, br#","amount":"#) {
            return None;
        }
        let amount = eat_amount(b, &mut i)?;
        if b.get(i) != Some(&b'}') {
            return None;
        }
        self.pos += i + 1;
        Some((month, amount))
    }

    /// A tax year as the canonical form writes it: every field, in order,
    /// a four-digit year in range. `None` (position unchanged) sends the
    /// caller to the general reader.
    #[inline]
    fn tax_year_fast(&mut self) -> Option<TaxYear> {
        let b = self.b.get(self.pos..)?;
        let mut i = 0;
        if !eat(b, &mut i, br#"{"year":"#) {
            return None;
        }
        let &[y0, y1, y2, y3, b','] = b.get(i..i + 5)? else {
            return None;
        };
        let year = two(y0, y1)? * 100 + two(y2, y3)?;
        if !(1900..=2200).contains(&year) {
            return None;
        }
        i += 5;
        let mut t = TaxYear {
            year: year as i32,
            ..TaxYear::default()
        };
        if !eat(b, &mut i, br#""vat":"#) {
            return None;
        }
        t.vat = eat_amount(b, &mut i)?;
        if !eat(b, &mut i, br#","urban_maintenance_tax":"#) {
            return None;
        }
        t.urban_maintenance_tax = eat_amount(b, &mut i)?;
        if !eat(b, &mut i, br#","education_surcharge":"#) {
            return None;
        }
        t.education_surcharge = eat_amount(b, &mut i)?;
        if !eat(b, &mut i, br#","local_education_surcharge":"#) {
            return None;
        }
        t.local_education_surcharge = eat_amount(b, &mut i)?;
        if !eat(b, &mut i, br#","individual_income_tax":"#) {
            return None;
        }
        t.individual_income_tax = eat_amount(b, &mut i)?;
        if b.get(i) != Some(&b'}') {
            return None;
        }
        self.pos += i + 1;
        Some(t)
    }
}

impl<'a> Reader<'a> {
    #[cold]
    fn err(&self, code: &'static str, message: String) -> Box<FactsError> {
        Box::new(FactsError {
            path: self.path.render(),
            code,
            message,
        })
    }

    #[inline]
    fn ws(&mut self) {
        while let Some(&c) = self.b.get(self.pos) {
            if c == b' ' || c == b'\n' || c == b'\r' || c == b'\t' {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    #[inline]
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.b.get(self.pos).copied()
    }

    #[cold]
    fn syntax(&self, what: &str) -> Box<FactsError> {
        self.err(
            "invalid_json",
            format!("JSON语法错误：第{}字节处应为{what}", self.pos + 1),
        )
    }

    #[cold]
    fn wrong_type(&mut self, code: &'static str, want: &str) -> Box<FactsError> {
        let found = kind_zh(self.peek());
        if found == "非法字符" || found == "文档结尾" {
            return self.syntax("一个JSON值");
        }
        self.err(code, format!("应为{want}，实际为{found}"))
    }

    /// Consumes `null` if it is next.
    fn null(&mut self) -> R<bool> {
        if self.peek() == Some(b'n') {
            if self.b[self.pos..].starts_with(b"null") {
                self.pos += 4;
                return Ok(true);
            }
            return Err(self.syntax("null"));
        }
        Ok(false)
    }

    fn string(&mut self, want: &str) -> R<Cow<'a, str>> {
        if self.peek() != Some(b'"') {
            return Err(self.wrong_type("expected_string", want));
        }
        let start = self.pos + 1;
        let rest = &self.b[start..];
        match rest
            .iter()
            .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
        {
            Some(i) if rest[i] == b'"' => {
                self.pos = start + i + 1;
                return Ok(Cow::Borrowed(&self.s[start..start + i]));
            }
            Some(i) if rest[i] == b'\\' => self.pos = start + i,
            Some(i) => {
                self.pos = start + i;
                return Err(self.syntax("转义后的控制字符"));
            }
            None => {
                self.pos = self.b.len();
                return Err(self.syntax("字符串结束引号"));
            }
        }
        let mut out = String::from(&self.s[start..self.pos]);
        loop {
            match self.b.get(self.pos) {
                None => return Err(self.syntax("字符串结束引号")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let c = self.b.get(self.pos).copied();
                    self.pos += 1;
                    match c {
                        Some(b'"') => out.push('"'),
                        Some(b'\\') => out.push('\\'),
                        Some(b'/') => out.push('/'),
                        Some(b'b') => out.push('\u{8}'),
                        Some(b'f') => out.push('\u{c}'),
                        Some(b'n') => out.push('\n'),
                        Some(b'r') => out.push('\r'),
                        Some(b't') => out.push('\t'),
                        Some(b'u') => {
                            let hi = self.hex4()?;
                            let ch = if (0xD800..0xDC00).contains(&hi) {
                                if !self.b[self.pos..].starts_with(b"\\u") {
                                    return Err(self.syntax("低位代理项"));
                                }
                                self.pos += 2;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(self.syntax("低位代理项"));
                                }
                                char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                            } else {
                                char::from_u32(hi)
                            };
                            match ch {
                                Some(ch) => out.push(ch),
                                None => return Err(self.syntax("有效的Unicode转义")),
                            }
                        }
                        _ => return Err(self.syntax("有效的转义字符")),
                    }
                }
                Some(c) if *c < 0x20 => return Err(self.syntax("转义后的控制字符")),
                Some(_) => {
                    // Copy one whole UTF-8 character.
                    let rest = &self.s[self.pos..];
                    let ch = rest.chars().next().unwrap_or('\u{fffd}');
                    out.push(ch);
                    self.pos += ch.len_utf8();
                }
            }
        }
    }

    fn hex4(&mut self) -> R<u32> {
        let Some(h) = self.b.get(self.pos..self.pos + 4) else {
            return Err(self.syntax("四位十六进制数"));
        };
        let mut v = 0u32;
        for &c in h {
            let d = (c as char)
                .to_digit(16)
                .ok_or_else(|| self.syntax("四位十六进制数"))?;
            v = v * 16 + d;
        }
        self.pos += 4;
        Ok(v)
    }

    fn boolean(&mut self) -> R<bool> {
        match self.peek() {
            Some(b't') if self.b[self.pos..].starts_with(b"true") => {
                self.pos += 4;
                Ok(true)
            }
            Some(b'f') if self.b[self.pos..].starts_with(b"false") => {
                self.pos += 5;
                Ok(false)
            }
            _ => Err(self.wrong_type("expected_boolean", "布尔值（true或false）")),
        }
    }

    /// A JSON number that must be a non-negative integer no larger than `max`.
    fn integer(&mut self, max: u64) -> R<u64> {
        let c = self.peek();
        if !matches!(c, Some(b'-' | b'0'..=b'9')) {
            return Err(self.wrong_type("expected_integer", "整数"));
        }
        let start = self.pos;
        let neg = c == Some(b'-');
        if neg {
            self.pos += 1;
        }
        let digits_start = self.pos;
        while matches!(self.b.get(self.pos), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        if self.pos == digits_start {
            return Err(self.syntax("数字"));
        }
        let int_end = self.pos;
        let mut fractional = false;
        if self.b.get(self.pos) == Some(&b'.') {
            fractional = true;
            self.pos += 1;
            let f = self.pos;
            while matches!(self.b.get(self.pos), Some(b'0'..=b'9')) {
                self.pos += 1;
            }
            if self.pos == f {
                return Err(self.syntax("小数部分的数字"));
            }
        }
        if matches!(self.b.get(self.pos), Some(b'e' | b'E')) {
            fractional = true;
            self.pos += 1;
            if matches!(self.b.get(self.pos), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            let f = self.pos;
            while matches!(self.b.get(self.pos), Some(b'0'..=b'9')) {
                self.pos += 1;
            }
            if self.pos == f {
                return Err(self.syntax("指数部分的数字"));
            }
        }
        let text = &self.s[start..self.pos];
        if fractional {
            return Err(self.err("expected_integer", format!("应为整数，实际为“{text}”")));
        }
        if neg {
            return Err(self.err("negative_number", format!("不能为负数，实际为{text}")));
        }
        let digits = &self.s[digits_start..int_end];
        match digits.parse::<u64>() {
            Ok(v) if v <= max => Ok(v),
            _ => Err(self.err(
                "out_of_range",
                format!("数值{text}超出允许范围（0至{max}）"),
            )),
        }
    }

    fn date(&mut self) -> R<NaiveDate> {
        self.ws();
        if let Some(d) = self.b.get(self.pos..self.pos + 12).and_then(quoted_date) {
            self.pos += 12;
            return Ok(d);
        }
        let s = self.string("日期字符串（YYYY-MM-DD）")?;
        parse_date(&s).ok_or_else(|| {
            self.err(
                "invalid_date",
                format!("日期“{s}”无效，应为YYYY-MM-DD格式的真实日期，如2021-07-15"),
            )
        })
    }

    fn month(&mut self) -> R<Month> {
        self.ws();
        if let Some(m) = self.b.get(self.pos..self.pos + 9).and_then(quoted_month) {
            self.pos += 9;
            return Ok(m);
        }
        let s = self.string("月份字符串（YYYY-MM）")?;
        Month::parse(&s).ok_or_else(|| {
            self.err(
                "invalid_month",
                format!("月份“{s}”无效，应为YYYY-MM格式，如2021-01"),
            )
        })
    }

    fn money(&mut self) -> R<Fen> {
        // Fast path: a quoted plain amount like "1234.50", read in one pass;
        // anything else goes through the general path and its messages.
        if self.peek() == Some(b'"')
            && let Some((fen, n)) = plain_amount(&self.b[self.pos + 1..])
        {
            self.pos += n + 1;
            return Ok(fen);
        }
        if matches!(self.peek(), Some(b'-' | b'0'..=b'9')) {
            return Err(self.err(
                "invalid_money",
                "金额应为带两位小数的字符串，如\"1234.50\"，不能是JSON数字".to_string(),
            ));
        }
        let s = self.string("金额字符串（如\"1234.50\"）")?;
        Fen::parse(&s).map_err(|e| match e {
            MoneyError::Negative => {
                self.err("negative_money", format!("金额不能为负数，收到“{s}”"))
            }
            MoneyError::Malformed => self.err(
                "invalid_money",
                format!("金额“{s}”格式错误，应为不带符号、最多两位小数的数字字符串，如\"1234.50\""),
            ),
            MoneyError::TooLarge => self.err("out_of_range", format!("金额“{s}”过大")),
        })
    }

    fn code<T>(
        &mut self,
        from: fn(&str) -> Option<T>,
        what: &str,
        code: &'static str,
        allowed: fn() -> String,
    ) -> R<T> {
        let s = self.string(what)?;
        from(&s)
            .ok_or_else(|| self.err(code, format!("未知的{what}“{s}”，可用代码：{}", allowed())))
    }

    /// If the quoted key at the current position is `keys[hint]` (or, failing
    /// that, any key), consumes it and returns its index.
    #[inline]
    fn key_fast(&mut self, keys: &'static [&'static str], hint: usize) -> Option<usize> {
        let rest = &self.b[self.pos + 1..];
        let hit = |k: &str| {
            let k = k.as_bytes();
            rest.get(k.len()) == Some(&b'"') && rest[..k.len()] == *k
        };
        // Absent optional fields skip ahead: search on from the hint
        // before wrapping round.
        let i = match keys.get(hint..)?.iter().position(|k| hit(k)) {
            Some(j) => hint + j,
            None => keys[..hint].iter().position(|k| hit(k))?,
        };
        self.pos += keys[i].len() + 2;
        Some(i)
    }

    /// Reads an object, calling `field` with the index of each key in `keys`;
    /// unknown and repeated keys are refused.
    fn object(
        &mut self,
        keys: &'static [&'static str],
        mut field: impl FnMut(&mut Self, usize) -> R<()>,
    ) -> R<u64> {
        if self.peek() != Some(b'{') {
            return Err(self.wrong_type("expected_object", "对象"));
        }
        self.pos += 1;
        let mut seen: u64 = 0;
        let mut next = 0usize;
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(seen);
        }
        loop {
            if self.peek() != Some(b'"') {
                return Err(self.syntax("字段名（带引号的字符串）"));
            }
            // Keys usually come in the canonical order: try the next one
            // first, by direct comparison, before reading the key as a string.
            let found = self.key_fast(keys, next);
            let (i, key) = match found {
                Some(i) => (Some(i), Cow::Borrowed(keys[i])),
                None => {
                    let key = self.string("字段名")?;
                    (keys.iter().position(|k| *k == key), key)
                }
            };
            if self.peek() != Some(b':') {
                return Err(self.syntax("冒号"));
            }
            self.pos += 1;
            let Some(i) = i else {
                let mut path = self.path.render();
                path.push('.');
                path.push_str(&key);
                return Err(Box::new(FactsError {
                    path,
                    code: "unknown_field",
                    message: format!("未知字段“{key}”，此处允许的字段：{}", keys.join("、")),
                }));
            };
            self.path.push(Seg::Key(keys[i]));
            if seen & (1 << i) != 0 {
                return Err(self.err("duplicate_field", format!("字段“{key}”重复出现")));
            }
            seen |= 1 << i;
            next = i + 1;
            field(self, i)?;
            self.path.pop();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(seen);
                }
                _ => return Err(self.syntax("逗号或右花括号")),
            }
        }
    }

    fn array(&mut self, mut item: impl FnMut(&mut Self, usize) -> R<()>) -> R<()> {
        if self.peek() != Some(b'[') {
            return Err(self.wrong_type("expected_array", "数组"));
        }
        self.pos += 1;
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(());
        }
        let mut i = 0;
        loop {
            self.path.push(Seg::Index(i));
            item(self, i)?;
            self.path.pop();
            i += 1;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(self.syntax("逗号或右方括号")),
            }
        }
    }

    #[cold]
    fn missing(&self, key: &str) -> Box<FactsError> {
        let mut path = self.path.render();
        path.push('.');
        path.push_str(key);
        Box::new(FactsError {
            path,
            code: "missing_field",
            message: format!("缺少必填字段“{key}”"),
        })
    }

    #[cold]
    fn null_required(&self, key: &str) -> Box<FactsError> {
        Box::new(FactsError {
            path: self.path.render(),
            code: "missing_field",
            message: format!("必填字段“{key}”不能为null"),
        })
    }

    fn facts(&mut self) -> R<Facts> {
        const KEYS: &[&str] = &[
            "as_of",
            "person",
            "business",
            "tax_years",
            "social_insurance_paid",
            "loan",
            "startup_subsidy_paid",
            "activity",
            "training",
            "pension",
            "hires",
        ];
        let mut as_of = None;
        let mut person = None;
        let mut f = Facts::new(NaiveDate::MIN);
        let seen = self.object(KEYS, |p, i| {
            match i {
                0 => {
                    if p.null()? {
                        return Err(p.null_required("as_of"));
                    }
                    as_of = Some(p.date()?);
                }
                1 => {
                    if p.null()? {
                        return Err(p.null_required("person"));
                    }
                    person = Some(p.person()?);
                }
                2 => {
                    if !p.null()? {
                        f.business = Some(p.business()?);
                    }
                }
                3 => {
                    if !p.null()? {
                        f.tax_years = p.tax_years()?;
                    }
                }
                4 => {
                    if !p.null()? {
                        f.social_insurance_paid = p.premiums()?;
                    }
                }
                5 => {
                    if !p.null()? {
                        f.loan = Some(p.loan()?);
                    }
                }
                6 => {
                    if !p.null()? {
                        f.startup_subsidy_paid = p.money()?;
                    }
                }
                7 => {
                    if !p.null()? {
                        f.activity = Some(p.activity()?);
                    }
                }
                8 => {
                    if !p.null()? {
                        f.training = Some(p.training()?);
                    }
                }
                9 => {
                    if !p.null()? {
                        f.pension = Some(p.pension()?);
                    }
                }
                _ => {
                    if !p.null()? {
                        f.hires = p.hires()?;
                    }
                }
            }
            Ok(())
        })?;
        let _ = seen;
        f.as_of = as_of.ok_or_else(|| self.missing("as_of"))?;
        f.person = person.ok_or_else(|| self.missing("person"))?;
        Ok(f)
    }

    fn opt_date(&mut self) -> R<Option<NaiveDate>> {
        if self.null()? {
            Ok(None)
        } else {
            self.date().map(Some)
        }
    }

    fn opt_bool(&mut self) -> R<Option<bool>> {
        if self.null()? {
            Ok(None)
        } else {
            self.boolean().map(Some)
        }
    }

    fn person(&mut self) -> R<Person> {
        const KEYS: &[&str] = &[
            "groups",
            "left_school_on",
            "unemployment_registered_on",
            "flexible_work",
            "in_difficulty",
        ];
        let mut person = Person::default();
        let mut groups = None;
        self.object(KEYS, |p, i| {
            match i {
                0 => {
                    if p.null()? {
                        return Err(p.null_required("groups"));
                    }
                    let mut g = Groups::default();
                    p.array(|p, _| {
                        let s = p.string("群体代码")?;
                        match Group::from_code(&s) {
                            Some(x) => {
                                g.insert(x);
                                Ok(())
                            }
                            None => Err(p.err(
                                "unknown_group",
                                format!(
                                    "未知的群体代码“{s}”，可用代码：{}",
                                    Group::ALL.map(Group::code).join("、")
                                ),
                            )),
                        }
                    })?;
                    groups = Some(g);
                }
                1 => person.left_school_on = p.opt_date()?,
                2 => person.unemployment_registered_on = p.opt_date()?,
                3 => {
                    if !p.null()? {
                        person.flexible_work = Some(p.code(
                            FlexibleWork::from_code,
                            "灵活就业形式",
                            "unknown_code",
                            FlexibleWork::codes,
                        )?);
                    }
                }
                _ => person.in_difficulty = p.opt_bool()?,
            }
            Ok(())
        })?;
        person.groups = groups.ok_or_else(|| self.missing("groups"))?;
        Ok(person)
    }

    fn business(&mut self) -> R<Business> {
        const KEYS: &[&str] = &[
            "kind",
            "registered_on",
            "first_time",
            "operating_normally",
            "employees_driven",
            "road_occupation_approved",
            "rents_state_owned_property",
        ];
        let mut b = Business::default();
        self.object(KEYS, |p, i| {
            match i {
                0 => {
                    if !p.null()? {
                        b.kind = Some(p.code(
                            BusinessKind::from_code,
                            "经营主体类型",
                            "unknown_code",
                            BusinessKind::codes,
                        )?);
                    }
                }
                1 => b.registered_on = p.opt_date()?,
                2 => b.first_time = p.opt_bool()?,
                3 => b.operating_normally = p.opt_bool()?,
                4 => {
                    if !p.null()? {
                        b.employees_driven = Some(p.integer(1_000_000)? as u32);
                    }
                }
                5 => b.road_occupation_approved = p.opt_bool()?,
                _ => b.rents_state_owned_property = p.opt_bool()?,
            }
            Ok(())
        })?;
        Ok(b)
    }

    fn tax_years(&mut self) -> R<Vec<TaxYear>> {
        const KEYS: &[&str] = &[
            "year",
            "vat",
            "urban_maintenance_tax",
            "education_surcharge",
            "local_education_surcharge",
            "individual_income_tax",
        ];
        let mut out: Vec<TaxYear> = Vec::new();
        self.array(|p, _| {
            if let Some(t) = p.tax_year_fast() {
                if out.iter().any(|o| o.year == t.year) {
                    return Err(p.err("duplicate_year", format!("{}年度重复出现", t.year)));
                }
                out.push(t);
                return Ok(());
            }
            let mut t = TaxYear::default();
            let mut year = None;
            p.object(KEYS, |p, i| {
                if i == 0 {
                    if p.null()? {
                        return Err(p.null_required("year"));
                    }
                    let y = p.integer(9999)?;
                    if !(1900..=2200).contains(&y) {
                        return Err(p.err("out_of_range", format!("年度{y}超出范围（1900至2200）")));
                    }
                    year = Some(y as i32);
                    return Ok(());
                }
                let v = if p.null()? { Fen::ZERO } else { p.money()? };
                match i {
                    1 => t.vat = v,
                    2 => t.urban_maintenance_tax = v,
                    3 => t.education_surcharge = v,
                    4 => t.local_education_surcharge = v,
                    _ => t.individual_income_tax = v,
                }
                Ok(())
            })?;
            t.year = year.ok_or_else(|| p.missing("year"))?;
            if out.iter().any(|o| o.year == t.year) {
                return Err(p.err("duplicate_year", format!("{}年度重复出现", t.year)));
            }
            out.push(t);
            Ok(())
        })?;
        Ok(out)
    }

    fn premiums(&mut self) -> R<Vec<PremiumMonth>> {
        const KEYS: &[&str] = &["month", "amount"];
        let mut out: Vec<PremiumMonth> = Vec::new();
        self.array(|p, _| {
            let (month, amount) = match p.premium_fast() {
                Some(x) => x,
                None => {
                    let mut month = None;
                    let mut amount = None;
                    p.object(KEYS, |p, i| {
                        if p.null()? {
                            return Err(p.null_required(KEYS[i]));
                        }
                        if i == 0 {
                            month = Some(p.month()?);
                        } else {
                            amount = Some(p.money()?);
                        }
                        Ok(())
                    })?;
                    let month = month.ok_or_else(|| p.missing("month"))?;
                    let amount = amount.ok_or_else(|| p.missing("amount"))?;
                    (month, amount)
                }
            };
            // Months usually arrive in order; only then is the last one the
            // only one to compare with.
            let in_order = out.last().is_none_or(|l| l.month < month);
            if !in_order && out.iter().any(|o| o.month == month) {
                return Err(p.err("duplicate_month", format!("月份{month}重复出现")));
            }
            out.push(PremiumMonth { month, amount });
            Ok(())
        })?;
        Ok(out)
    }

    fn loan(&mut self) -> R<Loan> {
        let mut l = Loan::default();
        self.object(&["purpose"], |p, _| {
            if !p.null()? {
                l.purpose = Some(p.code(
                    LoanPurpose::from_code,
                    "贷款用途",
                    "unknown_code",
                    LoanPurpose::codes,
                )?);
            }
            Ok(())
        })?;
        Ok(l)
    }

    fn activity(&mut self) -> R<Activity> {
        let mut a = Activity::default();
        self.object(&["kind", "needs_permit"], |p, i| {
            if i == 0 {
                if !p.null()? {
                    a.kind = Some(p.code(
                        ActivityKind::from_code,
                        "经营活动类型",
                        "unknown_code",
                        ActivityKind::codes,
                    )?);
                }
            } else {
                a.needs_permit = p.opt_bool()?;
            }
            Ok(())
        })?;
        Ok(a)
    }

    fn training(&mut self) -> R<Training> {
        let mut t = Training::default();
        self.object(
            &["enrolled_approved_course", "wants_to_start_business"],
            |p, i| {
                if i == 0 {
                    t.enrolled_approved_course = p.opt_bool()?;
                } else {
                    t.wants_to_start_business = p.opt_bool()?;
                }
                Ok(())
            },
        )?;
        Ok(t)
    }

    fn pension(&mut self) -> R<Pension> {
        let mut pen = Pension::default();
        self.object(&["unpaid_2020_months", "back_payments"], |p, i| {
            if p.null()? {
                return Ok(());
            }
            if i == 0 {
                let mut months: Vec<Month> = Vec::new();
                p.array(|p, _| {
                    let m = p.month()?;
                    if months.contains(&m) {
                        return Err(p.err("duplicate_month", format!("月份{m}重复出现")));
                    }
                    months.push(m);
                    Ok(())
                })?;
                pen.unpaid_2020_months = months;
            } else {
                const KEYS: &[&str] = &["month", "paid_on", "base"];
                let mut out = Vec::new();
                p.array(|p, _| {
                    let (mut month, mut paid_on, mut base) = (None, None, None);
                    p.object(KEYS, |p, i| {
                        if p.null()? {
                            return Err(p.null_required(KEYS[i]));
                        }
                        match i {
                            0 => month = Some(p.month()?),
                            1 => paid_on = Some(p.date()?),
                            _ => base = Some(p.money()?),
                        }
                        Ok(())
                    })?;
                    out.push(BackPayment {
                        month: month.ok_or_else(|| p.missing("month"))?,
                        paid_on: paid_on.ok_or_else(|| p.missing("paid_on"))?,
                        base: base.ok_or_else(|| p.missing("base"))?,
                    });
                    Ok(())
                })?;
                pen.back_payments = out;
            }
            Ok(())
        })?;
        Ok(pen)
    }

    fn hires(&mut self) -> R<Vec<Hire>> {
        const KEYS: &[&str] = &["form", "started_on", "ended_on"];
        let mut out = Vec::new();
        self.array(|p, _| {
            let (mut form, mut started_on, mut ended_on) = (None, None, None);
            p.object(KEYS, |p, i| {
                if i == 2 {
                    ended_on = p.opt_date()?;
                    return Ok(());
                }
                if p.null()? {
                    return Err(p.null_required(KEYS[i]));
                }
                if i == 0 {
                    form = Some(p.code(
                        FlexibleWork::from_code,
                        "灵活就业形式",
                        "unknown_code",
                        FlexibleWork::codes,
                    )?);
                } else {
                    started_on = Some(p.date()?);
                }
                Ok(())
            })?;
            out.push(Hire {
                form: form.ok_or_else(|| p.missing("form"))?,
                started_on: started_on.ok_or_else(|| p.missing("started_on"))?,
                ended_on,
            });
            Ok(())
        })?;
        Ok(out)
    }
}
