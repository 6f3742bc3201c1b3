//! The determinations JSON written directly into one `String`, compact or
//! pretty, byte for byte what `serde_json::to_string` and
//! `serde_json::to_string_pretty` write for the same value (the `Serialize`
//! derives stay for API users; the crate's tests compare the two over the
//! test cases and a synthetic population). A traced screening is about
//! 20 KB of JSON, mostly Chinese text; serde's generic path escaped it byte
//! by byte and cost three times the screening itself.

use crate::determination::{
    BackPaymentRow, Change, Citation, Determination, Determinations, PremiumRow, ReadingUse, Row,
    TaxRow,
};
use crate::money::Fen;
use crate::parameters::Value;
use crate::receipt::Receipt;
use crate::trace::{ParamRead, TraceNode, TraceValue};
use chrono::{Datelike, NaiveDate};
use std::fmt::Write as _;

/// Indentation for the pretty form (serde_json's: two spaces a level).
const SPACES: &str = "                                                                ";

/// A JSON writer with serde_json's layout: `first` says whether the open
/// object or array has no member yet.
/// `P`: the pretty form.
struct W<'a, const P: bool> {
    out: &'a mut String,
    depth: usize,
    first: bool,
}

impl<const P: bool> W<'_, P> {
    #[inline]
    fn newline(&mut self) {
        if P {
            self.out.push('\n');
            let mut n = self.depth * 2;
            while n > SPACES.len() {
                self.out.push_str(SPACES);
                n -= SPACES.len();
            }
            self.out.push_str(&SPACES[..n]);
        }
    }

    #[inline]
    fn open(&mut self, c: char) {
        self.out.push(c);
        self.depth += 1;
        self.first = true;
    }

    #[inline]
    fn close(&mut self, c: char) {
        self.depth -= 1;
        if !self.first {
            self.newline();
        }
        self.out.push(c);
        self.first = false;
    }

    /// A member's key (a plain ASCII name: written without escaping).
    #[inline(always)]
    fn key(&mut self, k: &str) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        self.newline();
        self.out.push('"');
        self.out.push_str(k);
        if P {
            self.out.push_str("\": ");
        } else {
            self.out.push_str("\":");
        }
    }

    /// A member whose key may need escaping.
    fn key_escaped(&mut self, k: &str) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        self.newline();
        escaped(self.out, k);
        if P {
            self.out.push_str(": ");
        } else {
            self.out.push(':');
        }
    }

    /// Before an array element.
    #[inline]
    fn elem(&mut self) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        self.newline();
    }

    #[inline]
    fn str(&mut self, s: &str) {
        escaped(self.out, s);
    }

    /// A string known to need no escaping (digits, dates, hex).
    #[inline]
    fn plain(&mut self, s: &str) {
        self.out.push('"');
        self.out.push_str(s);
        self.out.push('"');
    }

    #[inline]
    fn bool(&mut self, b: bool) {
        self.out.push_str(if b { "true" } else { "false" });
    }

    #[inline]
    fn money(&mut self, f: Fen) {
        let mut b = [0u8; 24];
        self.plain(f.write_plain(&mut b));
    }

    #[inline]
    fn date(&mut self, d: NaiveDate) {
        let mut b = [0u8; 10];
        self.plain(crate::calendar::date_text(d, &mut b));
    }

    fn int(&mut self, i: i64) {
        let mut b = [0u8; 20];
        self.out.push_str(int_text(i, &mut b));
    }

    fn null(&mut self) {
        self.out.push_str("null");
    }

    /// A string member.
    #[inline(always)]
    fn str_field(&mut self, k: &str, v: &str) {
        self.key(k);
        self.str(v);
    }

    fn array<T>(&mut self, items: &[T], mut f: impl FnMut(&mut Self, &T)) {
        self.open('[');
        for x in items {
            self.elem();
            f(self, x);
        }
        self.close(']');
    }
}

/// Whether a byte must be escaped in a JSON string.
#[inline(always)]
fn special(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// Writes `s` as a JSON string with serde_json's escapes.
#[inline]
fn escaped(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    escape_into(out, s);
    out.push('"');
}

/// Whether any of 16 bytes must be escaped, without branches (the compiler
/// turns it into a few vector compares).
#[inline(always)]
fn any_special(c: &[u8; 16]) -> bool {
    let mut m = false;
    for &x in c {
        m |= special(x);
    }
    m
}

/// Whether any of 8 bytes must be escaped (a byte below 0x20, `"` or `\\`),
/// by word arithmetic: for each test, a byte's high bit is set in the result
/// only if some byte matched (exact as a yes/no answer).
#[inline(always)]
fn any_special8(x: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let control = x.wrapping_sub(ONES * 0x20) & !x;
    let q = x ^ (ONES * u64::from(b'"'));
    let quote = q.wrapping_sub(ONES) & !q;
    let s = x ^ (ONES * u64::from(b'\\'));
    let backslash = s.wrapping_sub(ONES) & !s;
    (control | quote | backslash) & HIGH != 0
}

#[inline(always)]
fn word(b: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(b);
    u64::from_le_bytes(w)
}

/// Whether any byte of `b` must be escaped: 16 bytes at a time (the last
/// window overlapping), each window checked without branching on each byte;
/// short text as one or two overlapping words.
#[inline]
fn any_special_in(b: &[u8]) -> bool {
    let n = b.len();
    if n < 16 {
        return if n >= 8 {
            any_special8(word(&b[..8])) || any_special8(word(&b[n - 8..]))
        } else {
            b.iter().fold(false, |acc, &c| acc | special(c))
        };
    }
    let mut chunks = b.chunks_exact(16);
    for c in &mut chunks {
        if let Ok(c) = <&[u8; 16]>::try_from(c) {
            // The exit keeps the compiler from vectorising across windows,
            // which it does badly.
            if any_special(c) {
                return true;
            }
        }
    }
    if chunks.remainder().is_empty() {
        return false;
    }
    match <&[u8; 16]>::try_from(&b[n - 16..]) {
        Ok(last) => any_special(last),
        Err(_) => true,
    }
}

/// The contents of a JSON string (see [`escaped`]): copied whole unless some
/// byte must be escaped.
#[inline]
fn escape_into(out: &mut String, s: &str) {
    if any_special_in(s.as_bytes()) {
        escape_slow(out, s);
    } else {
        out.push_str(s);
    }
}

#[cold]
fn escape_slow(out: &mut String, s: &str) {
    let mut start = 0;
    for (i, &c) in s.as_bytes().iter().enumerate() {
        if special(c) {
            // `i` is an ASCII byte, so both ends are char boundaries.
            out.push_str(&s[start..i]);
            push_escape(out, c);
            start = i + 1;
        }
    }
    out.push_str(&s[start..]);
}

#[cold]
fn push_escape(out: &mut String, c: u8) {
    match c {
        b'"' => out.push_str("\\\""),
        b'\\' => out.push_str("\\\\"),
        0x08 => out.push_str("\\b"),
        0x0c => out.push_str("\\f"),
        b'\n' => out.push_str("\\n"),
        b'\r' => out.push_str("\\r"),
        b'\t' => out.push_str("\\t"),
        _ => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(c >> 4)]));
            out.push(char::from(HEX[usize::from(c & 0xf)]));
        }
    }
}

/// Decimal text of an integer in a stack buffer.
fn int_text(v: i64, b: &mut [u8; 20]) -> &str {
    let mut i = b.len();
    let mut a = v.unsigned_abs();
    loop {
        i -= 1;
        b[i] = b'0' + (a % 10) as u8;
        a /= 10;
        if a == 0 {
            break;
        }
    }
    if v < 0 {
        i -= 1;
        b[i] = b'-';
    }
    std::str::from_utf8(&b[i..]).unwrap_or("0")
}

/// `fmt::Write` into a JSON string's contents, escaping as it goes (what
/// serde_json's `collect_str` does).
struct Escaping<'a>(&'a mut String);

impl std::fmt::Write for Escaping<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        escape_into(self.0, s);
        Ok(())
    }
}

impl Determinations {
    /// Appends the determinations as JSON to `out`: compact, or pretty with
    /// two-space indentation. The bytes are exactly those of
    /// `serde_json::to_string` (`to_string_pretty`) of `self`.
    pub fn write_json(&self, out: &mut String, pretty: bool) {
        if pretty {
            determinations::<true>(out, self);
        } else {
            determinations::<false>(out, self);
        }
    }

    /// The determinations as JSON (see [`Determinations::write_json`]).
    pub fn to_json(&self, pretty: bool) -> String {
        let trace = self.benefits.iter().any(|b| b.trace.is_some());
        let mut out = String::with_capacity(match (trace, pretty) {
            (false, false) => 12 * 1024,
            (false, true) => 24 * 1024,
            (true, false) => 40 * 1024,
            (true, true) => 96 * 1024,
        });
        self.write_json(&mut out, pretty);
        out
    }
}

fn determinations<const P: bool>(out: &mut String, d: &Determinations) {
    let mut w = W::<P> {
        out,
        depth: 0,
        first: true,
    };
    w.open('{');
    w.key("as_of");
    w.date(d.as_of);
    w.str_field("policy", d.policy);
    w.key("benefits");
    w.array(&d.benefits, determination);
    w.key("receipt");
    receipt(&mut w, &d.receipt);
    w.close('}');
}

fn determination<const P: bool>(w: &mut W<'_, P>, d: &Determination) {
    w.open('{');
    w.str_field("id", d.id);
    w.str_field("name", d.name);
    w.key("eligible");
    w.bool(d.eligible);
    w.key("amount");
    w.money(d.amount);
    w.key("payable_now");
    w.money(d.payable_now);
    if let Some(from) = d.payable_from {
        w.key("payable_from");
        w.date(from);
    }
    w.key("breakdown");
    w.array(&d.breakdown, row);
    w.key("reasons");
    w.array(&d.reasons, |w, r| w.str(r));
    w.key("citations");
    w.array(d.citations, citation);
    w.key("what_would_change");
    w.array(&d.what_would_change, change);
    w.key("readings");
    w.array(&d.readings, reading);
    if let Some(t) = &d.trace {
        w.key("trace");
        trace_node(w, t);
    }
    w.close('}');
}

fn row<const P: bool>(w: &mut W<'_, P>, r: &Row) {
    match r {
        Row::Tax(t) => tax_row(w, t),
        Row::Premium(p) => premium_row(w, p),
        Row::BackPayment(b) => back_payment_row(w, b),
    }
}

fn tax_row<const P: bool>(w: &mut W<'_, P>, t: &TaxRow) {
    w.open('{');
    w.key("year");
    w.int(i64::from(t.year));
    for (k, v) in [
        ("limit", t.limit),
        ("vat", t.vat),
        ("urban_maintenance_tax", t.urban_maintenance_tax),
        ("education_surcharge", t.education_surcharge),
        ("local_education_surcharge", t.local_education_surcharge),
        ("individual_income_tax", t.individual_income_tax),
        ("total", t.total),
    ] {
        w.key(k);
        w.money(v);
    }
    w.key("months_in_window");
    w.int(i64::from(t.months_in_window));
    w.close('}');
}

fn premium_row<const P: bool>(w: &mut W<'_, P>, p: &PremiumRow) {
    let mut b = [0u8; 7];
    w.open('{');
    w.key("month");
    w.plain(p.month.text(&mut b));
    w.key("paid");
    w.money(p.paid);
    w.key("subsidy");
    w.money(p.subsidy);
    w.close('}');
}

fn back_payment_row<const P: bool>(w: &mut W<'_, P>, r: &BackPaymentRow) {
    let mut b = [0u8; 7];
    w.open('{');
    w.key("month");
    w.plain(r.month.text(&mut b));
    w.key("paid_on");
    w.date(r.paid_on);
    w.key("base");
    w.money(r.base);
    w.str_field("status", r.status);
    w.str_field("reason", &r.reason);
    w.close('}');
}

fn citation<const P: bool>(w: &mut W<'_, P>, c: &Citation) {
    w.open('{');
    w.str_field("document", c.document);
    w.str_field("clause", c.clause);
    w.str_field("text", c.text);
    w.close('}');
}

fn change<const P: bool>(w: &mut W<'_, P>, c: &Change) {
    w.open('{');
    w.str_field("condition", c.condition);
    w.str_field("text", &c.text);
    w.key("possible");
    w.bool(c.possible);
    if let Some(from) = c.from {
        w.key("from");
        w.date(from);
    }
    w.close('}');
}

fn reading<const P: bool>(w: &mut W<'_, P>, r: &ReadingUse) {
    w.open('{');
    w.str_field("id", r.id);
    w.str_field("text", r.text);
    w.close('}');
}

fn receipt<const P: bool>(w: &mut W<'_, P>, r: &Receipt) {
    w.open('{');
    w.str_field("engine", r.engine);
    w.str_field("engine_version", r.engine_version);
    w.str_field("parameters_sha256", &r.parameters_sha256);
    w.str_field("policy_text_sha256", r.policy_text_sha256);
    w.str_field("facts_sha256", &r.facts_sha256);
    if !r.overrides.is_empty() {
        w.key("overrides");
        w.array(&r.overrides, |w, o| w.str(o));
    }
    w.close('}');
}

fn trace_node<const P: bool>(w: &mut W<'_, P>, n: &TraceNode) {
    w.open('{');
    w.str_field("kind", n.kind);
    if !n.label.is_empty() {
        w.str_field("label", &n.label);
    }
    if let Some(held) = n.held {
        w.key("held");
        w.bool(held);
    }
    if !n.values.is_empty() {
        w.key("values");
        w.open('{');
        for (k, v) in &n.values {
            w.key_escaped(k);
            trace_value(w, v);
        }
        w.close('}');
    }
    if let Some(p) = &n.parameter {
        w.key("parameter");
        param_read(w, p);
    }
    if !n.children.is_empty() {
        w.key("children");
        w.array(&n.children, trace_node);
    }
    w.close('}');
}

fn trace_value<const P: bool>(w: &mut W<'_, P>, v: &TraceValue) {
    match v {
        TraceValue::Missing => w.str("（未提供）"),
        TraceValue::Bool(b) => w.plain(if *b { "true" } else { "false" }),
        TraceValue::Int(i) => {
            let mut b = [0u8; 20];
            w.plain(int_text(*i, &mut b));
        }
        TraceValue::Money(m) => w.money(*m),
        TraceValue::Date(d) => w.date(*d),
        TraceValue::Month(m) => {
            let mut b = [0u8; 7];
            w.plain(m.text(&mut b));
        }
        TraceValue::Static(s) => w.str(s),
        TraceValue::Text(s) => w.str(s),
    }
}

/// As `Serialize for Value` (`collect_str` of its `Display`), without the
/// formatting machinery for the common cases.
fn value<const P: bool>(w: &mut W<'_, P>, v: Value) {
    let mut b = [0u8; 20];
    match v {
        Value::Money(m) => w.money(m),
        Value::Months(n) | Value::Percent(n) => w.plain(int_text(i64::from(n), &mut b)),
        Value::Year(y) => w.plain(int_text(i64::from(y), &mut b)),
        // chrono's `%Y-%m-%d` is `date_text` for years 0 to 9999.
        Value::Date(d) if (0..=9999).contains(&d.year()) => w.date(d),
        Value::Ratio(..) | Value::Date(_) => {
            w.out.push('"');
            let _ = write!(Escaping(w.out), "{v}");
            w.out.push('"');
        }
    }
}

fn param_read<const P: bool>(w: &mut W<'_, P>, p: &ParamRead) {
    w.open('{');
    w.str_field("name", p.name);
    w.key("value");
    match &p.value {
        Some(v) => value(w, *v),
        None => w.null(),
    }
    w.str_field("unit", p.unit);
    w.key("effective_from");
    match p.effective_from {
        Some(d) => w.date(d),
        None => w.null(),
    }
    if let Some(to) = p.effective_to {
        w.key("effective_to");
        w.date(to);
    }
    w.key("clause");
    match &p.clause {
        Some(c) => w.str(c),
        None => w.null(),
    }
    w.close('}');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_serde_json() {
        let mut all = String::new();
        for c in 0u8..0x80 {
            all.push(char::from(c));
        }
        for s in [
            "",
            "plain",
            "中文“引号”（未提供）",
            "a\"b\\c\nd\te\u{8}\u{c}\r\u{1}\u{1f}\u{7f}",
            "0123456789abcdef\"0123456789abcdef\\01234567",
            "十六个字节以上的中文句子，包含\"引号\"与\\反斜杠，以及\n换行。",
            &all,
        ] {
            let mut out = String::new();
            escaped(&mut out, s);
            assert_eq!(out, serde_json::to_string(s).unwrap_or_default(), "{s:?}");
        }
        // One byte to escape at every place of text of every length around
        // the 16-byte windows.
        for len in 0..50 {
            for at in 0..=len {
                for special in ['"', '\\', '\n', '\u{1}', '中'] {
                    let s: String = (0..len)
                        .map(|i| if i == at { special } else { 'a' })
                        .collect();
                    let mut out = String::new();
                    escaped(&mut out, &s);
                    assert_eq!(out, serde_json::to_string(&s).unwrap_or_default(), "{s:?}");
                }
            }
        }
    }

    /// Every kind of value and every optional member, present and absent.
    #[test]
    fn every_shape_as_serde_json() {
        use crate::calendar::Month;
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default();
        let mut node = TraceNode::new("rule", "a\"b")
            .val("missing", TraceValue::Missing)
            .val("yes", true)
            .val("int", -42i64)
            .val("money", Fen(-123_456))
            .val("date", day("2021-02-28"))
            .val("month", Month::new(2020, 12))
            .val("static", "静态")
            .val("text", "文本\n".to_string())
            .val("dup", 1i64)
            .val("dup", 2i64);
        node.held = Some(false);
        let mut empty = TraceNode::new("all", "");
        empty.held = None;
        let mut param = TraceNode::new("parameter", "");
        param.parameter = Some(ParamRead {
            name: "p",
            value: Some(Value::Ratio(2, 3)),
            unit: "ratio",
            effective_from: Some(day("2020-01-01")),
            effective_to: Some(day("2021-12-31")),
            clause: Some("二(一)".into()),
        });
        let mut unset = TraceNode::new("parameter", "");
        unset.parameter = Some(ParamRead {
            name: "q",
            value: None,
            unit: "yuan",
            effective_from: None,
            effective_to: None,
            clause: None,
        });
        let mut dated = TraceNode::new("parameter", "");
        dated.parameter = Some(ParamRead {
            name: "r",
            value: Some(Value::Date(day("2022-06-30"))),
            unit: "date",
            effective_from: Some(day("2019-01-01")),
            effective_to: None,
            clause: Some("三".into()),
        });
        let mut more = Vec::new();
        for v in [
            Value::Money(Fen(1_440_000)),
            Value::Months(36),
            Value::Percent(50),
            Value::Year(2021),
            Value::Ratio(1, 12),
            Value::Date(day("0099-01-01")),
            Value::Date(NaiveDate::from_ymd_opt(12_345, 6, 7).unwrap_or_default()),
            Value::Date(NaiveDate::from_ymd_opt(-44, 3, 15).unwrap_or_default()),
        ] {
            let mut n = TraceNode::new("parameter", "");
            n.parameter = Some(ParamRead {
                name: "v",
                value: Some(v),
                unit: "u",
                effective_from: Some(day("2020-01-01")),
                effective_to: None,
                clause: None,
            });
            more.push(n);
        }
        node.children = vec![empty, param, unset, dated];
        node.children.extend(more);
        let citations: &'static [Citation] = &[Citation {
            document: "doc",
            clause: "一",
            text: "“引文”",
        }];
        let full = Determination {
            id: "x",
            name: "名",
            eligible: true,
            amount: Fen(100),
            payable_now: Fen(0),
            payable_from: Some(day("2021-01-31")),
            breakdown: vec![
                Row::Tax(TaxRow {
                    year: 2021,
                    limit: Fen(1_440_000),
                    vat: Fen(1),
                    urban_maintenance_tax: Fen(2),
                    education_surcharge: Fen(3),
                    local_education_surcharge: Fen(4),
                    individual_income_tax: Fen(5),
                    total: Fen(15),
                    months_in_window: 12,
                }),
                Row::Premium(PremiumRow {
                    month: Month::new(2021, 1),
                    paid: Fen(61_097),
                    subsidy: Fen(40_000),
                }),
                Row::BackPayment(BackPaymentRow {
                    month: Month::new(2020, 3),
                    paid_on: day("2020-12-01"),
                    base: Fen(300_000),
                    status: "refused",
                    reason: "原因\t".into(),
                }),
            ],
            reasons: vec!["理由".into(), String::new()],
            citations,
            what_would_change: vec![
                Change {
                    condition: "c",
                    text: "改".into(),
                    possible: true,
                    from: Some(day("2021-06-01")),
                },
                Change {
                    condition: "d",
                    text: "无".into(),
                    possible: false,
                    from: None,
                },
            ],
            readings: vec![ReadingUse {
                id: "r",
                text: "读",
            }],
            trace: Some(node),
        };
        let bare = Determination {
            payable_from: None,
            breakdown: Vec::new(),
            reasons: Vec::new(),
            citations: &[],
            what_would_change: Vec::new(),
            readings: Vec::new(),
            trace: None,
            ..full.clone()
        };
        for (benefits, overrides) in [
            (
                vec![full.clone(), bare.clone()],
                vec!["a=1@2021-01-01".to_string()],
            ),
            (vec![bare], Vec::new()),
            (Vec::new(), Vec::new()),
        ] {
            let d = Determinations {
                as_of: day("2021-07-15"),
                policy: "晋政办发〔2020〕89号",
                benefits,
                receipt: Receipt {
                    engine: "e",
                    engine_version: "0.1.0",
                    parameters_sha256: "ab".into(),
                    policy_text_sha256: "cd",
                    facts_sha256: "ef".into(),
                    overrides,
                },
            };
            assert_eq!(
                d.to_json(false),
                serde_json::to_string(&d).unwrap_or_default()
            );
            assert_eq!(
                d.to_json(true),
                serde_json::to_string_pretty(&d).unwrap_or_default()
            );
        }
    }

    #[test]
    fn integers_as_serde_json() {
        for i in [0, 1, -1, 9, 10, -10, 2020, i64::MAX, i64::MIN] {
            let mut b = [0u8; 20];
            assert_eq!(int_text(i, &mut b), i.to_string());
        }
    }
}
