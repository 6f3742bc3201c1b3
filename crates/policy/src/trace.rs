//! How rules report what they did. A rule is written once, generic over a
//! [`Recorder`]: the fast path passes [`Silent`], whose methods are empty and
//! inline away (with the closures that would have built text), so deciding a
//! population builds no strings; a screening passes [`Full`], which collects
//! reasons, breakdown rows, what would change and, when asked, the trace tree
//! of every condition evaluated and every parameter read.

use crate::determination::{Change, Row};
use crate::readings::Reading;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use std::borrow::Cow;

/// A node of the trace tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TraceNode {
    /// `rule`, `all` (every child must hold), `any` (one child must hold),
    /// `condition`, `parameter`, `computation`, `reading`.
    pub kind: &'static str,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub label: Cow<'static, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held: Option<bool>,
    /// The facts and values the node looked at, by name (a JSON object).
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "values_as_map"
    )]
    pub values: Vec<(&'static str, TraceValue)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<ParamRead>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<TraceNode>,
}

/// A value shown in a trace node, kept typed so that building a trace does
/// not format it; it is written as a string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TraceValue {
    /// A fact not given: `（未提供）`.
    Missing,
    Bool(bool),
    Int(i64),
    Money(crate::money::Fen),
    Date(chrono::NaiveDate),
    Month(crate::calendar::Month),
    Static(&'static str),
    Text(String),
}

impl std::fmt::Display for TraceValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TraceValue::Missing => f.write_str("（未提供）"),
            TraceValue::Bool(b) => write!(f, "{b}"),
            TraceValue::Int(i) => write!(f, "{i}"),
            TraceValue::Money(m) => write!(f, "{m}"),
            TraceValue::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            TraceValue::Month(m) => write!(f, "{m}"),
            TraceValue::Static(s) => f.write_str(s),
            TraceValue::Text(s) => f.write_str(s),
        }
    }
}

impl Serialize for TraceValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            TraceValue::Missing => s.serialize_str("（未提供）"),
            TraceValue::Bool(b) => s.serialize_str(if *b { "true" } else { "false" }),
            TraceValue::Int(i) => s.collect_str(i),
            TraceValue::Money(m) => m.serialize(s),
            TraceValue::Date(d) => crate::calendar::serde_date(d, s),
            TraceValue::Month(m) => m.serialize(s),
            TraceValue::Static(x) => s.serialize_str(x),
            TraceValue::Text(x) => s.serialize_str(x),
        }
    }
}

macro_rules! trace_value_from {
    ($($t:ty => $v:expr),+ $(,)?) => {
        $(impl From<$t> for TraceValue {
            fn from(x: $t) -> TraceValue {
                $v(x)
            }
        })+
    };
}

trace_value_from!(
    bool => TraceValue::Bool,
    i64 => TraceValue::Int,
    crate::money::Fen => TraceValue::Money,
    chrono::NaiveDate => TraceValue::Date,
    crate::calendar::Month => TraceValue::Month,
    &'static str => TraceValue::Static,
    String => TraceValue::Text,
);

impl From<u32> for TraceValue {
    fn from(x: u32) -> TraceValue {
        TraceValue::Int(i64::from(x))
    }
}

impl From<i32> for TraceValue {
    fn from(x: i32) -> TraceValue {
        TraceValue::Int(i64::from(x))
    }
}

impl From<usize> for TraceValue {
    fn from(x: usize) -> TraceValue {
        TraceValue::Int(x as i64)
    }
}

impl<T: Into<TraceValue>> From<Option<T>> for TraceValue {
    fn from(x: Option<T>) -> TraceValue {
        x.map_or(TraceValue::Missing, Into::into)
    }
}

fn values_as_map<S: Serializer>(v: &[(&'static str, TraceValue)], s: S) -> Result<S::Ok, S::Error> {
    let mut m = s.serialize_map(Some(v.len()))?;
    for (k, x) in v {
        m.serialize_entry(k, x)?;
    }
    m.end()
}

impl TraceNode {
    pub fn new(kind: &'static str, label: impl Into<Cow<'static, str>>) -> TraceNode {
        TraceNode {
            kind,
            label: label.into(),
            held: None,
            values: Vec::new(),
            parameter: None,
            children: Vec::new(),
        }
    }

    /// Adds a named value the node looked at.
    pub fn val(mut self, name: &'static str, v: impl Into<TraceValue>) -> TraceNode {
        self.values.push((name, v.into()));
        self
    }

    /// Every node below this one, depth first.
    pub fn walk(&self, f: &mut impl FnMut(&TraceNode)) {
        f(self);
        for c in &self.children {
            c.walk(f);
        }
    }
}

/// A parameter as read: its value and the version's period and clause (the
/// version's source and note are in the parameter listing).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ParamRead {
    pub name: &'static str,
    /// `None` when no value is in force (an unset parameter).
    pub value: Option<crate::parameters::Value>,
    pub unit: &'static str,
    #[serde(serialize_with = "crate::calendar::serde_opt_date")]
    pub effective_from: Option<chrono::NaiveDate>,
    /// Absent when the version is open-ended.
    #[serde(
        serialize_with = "crate::calendar::serde_opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub effective_to: Option<chrono::NaiveDate>,
    pub clause: Option<Cow<'static, str>>,
}

/// Where a rule reports. Every method takes closures so that [`Silent`] never
/// builds the text.
pub(crate) trait Recorder {
    /// Whether anything is kept; rules may skip work that only feeds reports.
    const ON: bool;
    fn param(&mut self, f: impl FnOnce() -> ParamRead);
    fn cond(&mut self, held: bool, f: impl FnOnce() -> TraceNode);
    /// Opens a group of conditions (`all` or `any`).
    fn open(&mut self, f: impl FnOnce() -> TraceNode);
    fn close(&mut self, held: bool);
    fn computation(&mut self, f: impl FnOnce() -> TraceNode);
    fn reason(&mut self, f: impl FnOnce() -> String);
    fn change(&mut self, f: impl FnOnce() -> Change);
    fn row(&mut self, f: impl FnOnce() -> Row);
    fn reading(&mut self, r: &'static Reading);
}

/// Keeps nothing.
pub(crate) struct Silent;

impl Recorder for Silent {
    const ON: bool = false;
    #[inline(always)]
    fn param(&mut self, _: impl FnOnce() -> ParamRead) {}
    #[inline(always)]
    fn cond(&mut self, _: bool, _: impl FnOnce() -> TraceNode) {}
    #[inline(always)]
    fn open(&mut self, _: impl FnOnce() -> TraceNode) {}
    #[inline(always)]
    fn close(&mut self, _: bool) {}
    #[inline(always)]
    fn computation(&mut self, _: impl FnOnce() -> TraceNode) {}
    #[inline(always)]
    fn reason(&mut self, _: impl FnOnce() -> String) {}
    #[inline(always)]
    fn change(&mut self, _: impl FnOnce() -> Change) {}
    #[inline(always)]
    fn row(&mut self, _: impl FnOnce() -> Row) {}
    #[inline(always)]
    fn reading(&mut self, _: &'static Reading) {}
}

/// Keeps everything a determination shows; the trace tree only when asked.
pub(crate) struct Full {
    pub trace: bool,
    pub reasons: Vec<String>,
    pub changes: Vec<Change>,
    pub rows: Vec<Row>,
    pub readings: Vec<&'static Reading>,
    /// Open groups; the first is the rule's root.
    stack: Vec<TraceNode>,
}

impl Full {
    pub fn new(trace: bool, root: impl FnOnce() -> TraceNode) -> Full {
        Full {
            trace,
            reasons: Vec::new(),
            changes: Vec::new(),
            rows: Vec::new(),
            readings: Vec::new(),
            stack: if trace {
                // A rule's root has up to about 16 children (parameters and
                // groups): one allocation instead of growing 4, 8, 16.
                let mut r = root();
                r.children.reserve_exact(16);
                let mut stack = Vec::with_capacity(4);
                stack.push(r);
                stack
            } else {
                Vec::new()
            },
        }
    }

    fn push(&mut self, n: TraceNode) {
        if let Some(top) = self.stack.last_mut() {
            top.children.push(n);
        }
    }

    /// The finished trace tree, if kept.
    pub fn finish(&mut self, eligible: bool) -> Option<TraceNode> {
        while self.stack.len() > 1 {
            self.close(false);
        }
        let mut root = self.stack.pop()?;
        root.held = Some(eligible);
        Some(root)
    }
}

impl Recorder for Full {
    const ON: bool = true;
    fn param(&mut self, f: impl FnOnce() -> ParamRead) {
        if self.trace {
            let p = f();
            let mut n = TraceNode::new("parameter", "");
            n.parameter = Some(p);
            self.push(n);
        }
    }
    fn cond(&mut self, held: bool, f: impl FnOnce() -> TraceNode) {
        if self.trace {
            let mut n = f();
            n.held = Some(held);
            self.push(n);
        }
    }
    fn open(&mut self, f: impl FnOnce() -> TraceNode) {
        if self.trace {
            self.stack.push(f());
        }
    }
    fn close(&mut self, held: bool) {
        if self.trace && self.stack.len() > 1 {
            let mut n = self
                .stack
                .pop()
                .unwrap_or_else(|| TraceNode::new("all", ""));
            n.held = Some(held);
            self.push(n);
        }
    }
    fn computation(&mut self, f: impl FnOnce() -> TraceNode) {
        if self.trace {
            self.push(f());
        }
    }
    fn reason(&mut self, f: impl FnOnce() -> String) {
        self.reasons.push(f());
    }
    fn change(&mut self, f: impl FnOnce() -> Change) {
        self.changes.push(f());
    }
    fn row(&mut self, f: impl FnOnce() -> Row) {
        self.rows.push(f());
    }
    fn reading(&mut self, r: &'static Reading) {
        if !self.readings.iter().any(|x| x.id == r.id) {
            self.readings.push(r);
        }
        if self.trace {
            self.push(TraceNode::new("reading", r.id));
        }
    }
}
