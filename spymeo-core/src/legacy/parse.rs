//! Reads one mock module of the old front end with oxc's TypeScript parser and evaluates its
//! top-level literals. Only what a data literal needs is evaluated (literals, spreads of
//! earlier constants, arithmetic, `new Date(…)`/`Date.now()` relative to `now`); anything
//! else is reported with its position instead of guessed.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, SecondsFormat, TimeZone as _, Utc};
use oxc_allocator::Allocator;
use oxc_ast::ast::{
    Argument, ArrayExpressionElement, BinaryOperator, BindingPattern, Declaration,
    ExportDefaultDeclarationKind, Expression, ObjectPropertyKind, PropertyKey, Statement, TSType,
    TSTypeName, UnaryOperator, VariableDeclaration,
};
use oxc_span::{GetSpan as _, SourceType};
use serde::Serialize;

/// 1-based line and column (in characters) of a place in a module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

/// An evaluated literal.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    /// `new Date(…)`: kept as an instant so `.getTime()` and arithmetic work.
    Date(DateTime<Utc>),
    Array(Vec<Spanned>),
    Object(Vec<(String, Spanned)>),
}

/// A value, where it was written, and whether it depends on the time of the import.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned {
    pub value: Value,
    pub pos: Pos,
    pub computed: bool,
}

impl Spanned {
    pub fn field(&self, name: &str) -> Option<&Spanned> {
        match &self.value {
            Value::Object(fields) => fields.iter().find(|(k, _)| k == name).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn keys(&self) -> Vec<&str> {
        match &self.value {
            Value::Object(fields) => fields.iter().map(|(k, _)| k.as_str()).collect(),
            _ => Vec::new(),
        }
    }

    /// Whether this value or anything inside it was computed at import time.
    pub fn any_computed(&self) -> bool {
        self.computed
            || match &self.value {
                Value::Array(items) => items.iter().any(Spanned::any_computed),
                Value::Object(fields) => fields.iter().any(|(_, v)| v.any_computed()),
                _ => false,
            }
    }
}

/// Something in the module that cannot be read, with its place.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    pub pos: Pos,
    pub message: String,
}

/// One element of a top-level array: its value, or why it could not be evaluated.
#[derive(Debug, Clone)]
pub struct Item {
    pub pos: Pos,
    pub value: Result<Spanned, Problem>,
}

#[derive(Debug, Clone)]
pub enum Body {
    /// `const x: T[] = [ … ]`, element by element.
    Array(Vec<Item>),
    /// `const settings: T = { … }`.
    Object(Item),
    /// An initialiser that is not a literal (a function call…): reported, not imported.
    Other(Problem),
    /// A number, string or boolean constant (`const DAY = 86_400_000`): not records.
    Scalar,
    /// A function or class: code, not data.
    Code,
    /// `[...seed]`: a copy of other arrays (the global store of a CRUD mock), not new records.
    Alias,
}

/// One top-level `const`/`let` (exported or not) or `export default`.
#[derive(Debug, Clone)]
pub struct Decl {
    pub name: String,
    pub exported: bool,
    pub type_name: Option<String>,
    pub pos: Pos,
    pub body: Body,
}

impl Decl {
    /// The records of the declaration: the elements of an array, or a single object.
    pub fn items(&self) -> &[Item] {
        match &self.body {
            Body::Array(items) => items,
            Body::Object(item) => std::slice::from_ref(item),
            Body::Other(_) | Body::Scalar | Body::Code | Body::Alias => &[],
        }
    }

    /// Keys seen across the records, in first-seen order.
    pub fn fields(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for item in self.items() {
            if let Ok(v) = &item.value {
                for k in v.keys() {
                    if !out.iter().any(|o| o == k) {
                        out.push(k.to_owned());
                    }
                }
            }
        }
        out
    }
}

/// A parsed module.
#[derive(Debug, Clone, Default)]
pub struct Module {
    pub decls: Vec<Decl>,
    /// Module specifiers this file imports or re-exports from.
    pub imports: Vec<String>,
    /// Syntax errors: a module with any is not imported at all.
    pub syntax_errors: Vec<Problem>,
}

impl Module {
    pub fn decl(&self, name: &str) -> Option<&Decl> {
        self.decls.iter().find(|d| d.name == name)
    }

    /// The declarations that hold records — arrays, objects, and initialisers that should
    /// but could not be read as literals.
    pub fn data_decls(&self) -> impl Iterator<Item = &Decl> {
        self.decls.iter().filter(|d| match d.body {
            Body::Array(_) | Body::Other(_) => true,
            // Untyped private objects are helpers (`const base = {…}`), not records.
            Body::Object(_) => d.exported || d.type_name.is_some(),
            _ => false,
        })
    }
}

/// Parses `source` (TypeScript, or TSX when `tsx`) and evaluates its top-level literals.
pub fn parse_module(source: &str, tsx: bool, now: DateTime<Utc>) -> Module {
    let allocator = Allocator::default();
    let source_type = if tsx {
        SourceType::tsx()
    } else {
        SourceType::ts()
    };
    let ret = oxc_parser::Parser::new(&allocator, source, source_type).parse();
    let lines = LineIndex::new(source);
    let mut module = Module::default();
    if ret.diagnostics.has_errors() {
        for d in ret.diagnostics.errors() {
            let offset = d.labels.first().map_or(0, |l| l.offset());
            module.syntax_errors.push(Problem {
                pos: lines.pos(offset),
                message: format!("erreur de syntaxe : {}", d.message),
            });
        }
        return module;
    }
    let mut eval = Eval {
        lines: &lines,
        now,
        env: HashMap::new(),
    };
    for stmt in &ret.program.body {
        match stmt {
            Statement::VariableDeclaration(v) => eval.declare(v, false, &mut module),
            Statement::ExportDeclaration(e) => {
                if let Declaration::VariableDeclaration(v) = &e.declaration {
                    eval.declare(v, true, &mut module);
                }
            }
            Statement::ExportDefaultDeclaration(e) => {
                if let Some(expr) = default_expression(&e.declaration) {
                    let pos = lines.pos(e.span.start);
                    let (body, _) = eval.body(expr);
                    module.decls.push(Decl {
                        name: "default".into(),
                        exported: true,
                        type_name: None,
                        pos,
                        body,
                    });
                }
            }
            Statement::ImportDeclaration(i) => module.imports.push(i.source.value.to_string()),
            Statement::ExportFromDeclaration(e) => module.imports.push(e.source.value.to_string()),
            Statement::ExportAllDeclaration(e) => module.imports.push(e.source.value.to_string()),
            _ => {}
        }
    }
    module
}

fn default_expression<'b, 'a>(
    kind: &'b ExportDefaultDeclarationKind<'a>,
) -> Option<&'b Expression<'a>> {
    match kind {
        ExportDefaultDeclarationKind::FunctionDeclaration(_)
        | ExportDefaultDeclarationKind::ClassDeclaration(_)
        | ExportDefaultDeclarationKind::TSInterfaceDeclaration(_) => None,
        other => other.as_expression(),
    }
}

struct LineIndex {
    starts: Vec<usize>,
    text: String,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self {
            starts,
            text: text.to_owned(),
        }
    }

    fn pos(&self, offset: u32) -> Pos {
        let offset = (offset as usize).min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let column = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().count())
            + 1;
        Pos {
            line: line as u32,
            column: column as u32,
        }
    }
}

struct Eval<'l> {
    lines: &'l LineIndex,
    now: DateTime<Utc>,
    /// Top-level constants seen so far, for identifiers and spreads.
    env: HashMap<String, Spanned>,
}

type Evaluated = Result<Spanned, Problem>;

impl Eval<'_> {
    fn declare(&mut self, v: &VariableDeclaration<'_>, exported: bool, module: &mut Module) {
        for d in &v.declarations {
            let BindingPattern::BindingIdentifier(id) = &d.id else {
                continue;
            };
            let Some(init) = &d.init else { continue };
            let type_name = d
                .type_annotation
                .as_ref()
                .and_then(|t| type_name(&t.type_annotation));
            let (body, whole) = self.body(init);
            if let Some(whole) = whole {
                self.env.insert(id.name.to_string(), whole);
            }
            module.decls.push(Decl {
                name: id.name.to_string(),
                exported,
                type_name,
                pos: self.lines.pos(d.span.start),
                body,
            });
        }
    }

    /// Evaluates an initialiser; array elements one by one so that one bad record does not
    /// hide the others. Also returns the whole value when it evaluated cleanly, for later
    /// identifiers and spreads.
    fn body(&mut self, init: &Expression<'_>) -> (Body, Option<Spanned>) {
        let expr = unwrap_ts(init);
        let pos = self.lines.pos(expr.span().start);
        if matches!(
            expr,
            Expression::ArrowFunctionExpression(_)
                | Expression::FunctionExpression(_)
                | Expression::ClassExpression(_)
        ) {
            return (Body::Code, None);
        }
        let is_alias = matches!(expr, Expression::ArrayExpression(a)
            if !a.elements.is_empty() && a.elements.iter().all(|e| matches!(e,
                ArrayExpressionElement::SpreadElement(s) if matches!(s.argument, Expression::Identifier(_)))));
        let Expression::ArrayExpression(a) = expr else {
            return match self.eval(expr) {
                Ok(v) => match &v.value {
                    Value::Object(_) => (
                        Body::Object(Item {
                            pos,
                            value: Ok(v.clone()),
                        }),
                        Some(v),
                    ),
                    Value::Array(inner) => (Body::Array(items_of(inner)), Some(v)),
                    _ => (Body::Scalar, Some(v)),
                },
                Err(p) => (Body::Other(p), None),
            };
        };
        let mut items = Vec::new();
        for el in &a.elements {
            let item_pos = self.lines.pos(el.span().start);
            let value = match el {
                ArrayExpressionElement::Elision(_) => continue,
                ArrayExpressionElement::SpreadElement(s) => match self.eval(&s.argument) {
                    Ok(Spanned {
                        value: Value::Array(inner),
                        ..
                    }) => {
                        items.extend(items_of(&inner));
                        continue;
                    }
                    Ok(_) => Err(self.problem(
                        s.span.start,
                        "« ... » sur une valeur qui n'est pas un tableau",
                    )),
                    Err(p) => Err(p),
                },
                other => match other.as_expression() {
                    Some(e) => self.eval(e),
                    None => Err(self.problem(el.span().start, "élément illisible")),
                },
            };
            items.push(Item {
                pos: item_pos,
                value,
            });
        }
        let whole = items
            .iter()
            .map(|i| i.value.clone().ok())
            .collect::<Option<Vec<_>>>()
            .map(|all| Spanned {
                value: Value::Array(all),
                pos,
                computed: false,
            });
        if is_alias {
            return (Body::Alias, whole);
        }
        (Body::Array(items), whole)
    }

    fn problem(&self, offset: u32, message: impl Into<String>) -> Problem {
        Problem {
            pos: self.lines.pos(offset),
            message: message.into(),
        }
    }

    fn at(&self, offset: u32, value: Value, computed: bool) -> Evaluated {
        Ok(Spanned {
            value,
            pos: self.lines.pos(offset),
            computed,
        })
    }

    fn eval(&self, expr: &Expression<'_>) -> Evaluated {
        let start = expr.span().start;
        match expr {
            Expression::BooleanLiteral(b) => self.at(start, Value::Bool(b.value), false),
            Expression::NullLiteral(_) => self.at(start, Value::Null, false),
            Expression::NumericLiteral(n) => self.at(start, Value::Number(n.value), false),
            Expression::StringLiteral(s) => {
                self.at(start, Value::String(s.value.to_string()), false)
            }
            Expression::TemplateLiteral(t) => {
                let mut out = String::new();
                let mut computed = false;
                for (i, q) in t.quasis.iter().enumerate() {
                    match &q.value.cooked {
                        Some(c) => out.push_str(c),
                        None => return Err(self.problem(q.span.start, "gabarit illisible")),
                    }
                    if let Some(e) = t.expressions.get(i) {
                        let v = self.eval(e)?;
                        computed |= v.computed;
                        out.push_str(&display(&v.value).ok_or_else(|| {
                            self.problem(e.span().start, "valeur non textuelle dans un gabarit")
                        })?);
                    }
                }
                self.at(start, Value::String(out), computed)
            }
            Expression::Identifier(id) => match id.name.as_str() {
                "undefined" => self.at(start, Value::Null, false),
                name => match self.env.get(name) {
                    Some(v) => Ok(Spanned {
                        pos: self.lines.pos(start),
                        ..v.clone()
                    }),
                    None => Err(self.problem(
                        start,
                        format!("« {name} » n'est pas une constante littérale de ce module"),
                    )),
                },
            },
            Expression::ArrayExpression(_) => {
                let (body, whole) = Eval {
                    lines: self.lines,
                    now: self.now,
                    env: self.env.clone(),
                }
                .body(expr);
                match (body, whole) {
                    (_, Some(w)) => Ok(w),
                    (Body::Array(items), None) => Err(items
                        .into_iter()
                        .find_map(|i| i.value.err())
                        .unwrap_or_else(|| self.problem(start, "tableau illisible"))),
                    (Body::Other(p), None) => Err(p),
                    _ => Err(self.problem(start, "tableau illisible")),
                }
            }
            Expression::ObjectExpression(o) => {
                let mut fields: Vec<(String, Spanned)> = Vec::new();
                let mut set = |k: String, v: Spanned| match fields.iter_mut().find(|(f, _)| *f == k)
                {
                    Some(slot) => slot.1 = v,
                    None => fields.push((k, v)),
                };
                for prop in &o.properties {
                    match prop {
                        ObjectPropertyKind::ObjectProperty(p) => {
                            if p.method || p.computed {
                                return Err(self.problem(
                                    p.span.start,
                                    "propriété calculée ou méthode : pas une donnée littérale",
                                ));
                            }
                            let key = match &p.key {
                                PropertyKey::StaticIdentifier(id) => id.name.to_string(),
                                PropertyKey::StringLiteral(s) => s.value.to_string(),
                                PropertyKey::NumericLiteral(n) => n.value.to_string(),
                                _ => {
                                    return Err(
                                        self.problem(p.span.start, "clé de propriété illisible")
                                    );
                                }
                            };
                            set(key, self.eval(&p.value)?);
                        }
                        ObjectPropertyKind::SpreadProperty(s) => {
                            match self.eval(&s.argument)?.value {
                                Value::Object(inner) => {
                                    for (k, v) in inner {
                                        set(k, v);
                                    }
                                }
                                _ => {
                                    return Err(self.problem(
                                        s.span.start,
                                        "« ... » sur une valeur qui n'est pas un objet",
                                    ));
                                }
                            }
                        }
                    }
                }
                self.at(start, Value::Object(fields), false)
            }
            Expression::UnaryExpression(u) => {
                let v = self.eval(&u.argument)?;
                let value = match (u.operator, &v.value) {
                    (UnaryOperator::UnaryNegation, Value::Number(n)) => Value::Number(-n),
                    (UnaryOperator::UnaryPlus, Value::Number(n)) => Value::Number(*n),
                    (UnaryOperator::LogicalNot, Value::Bool(b)) => Value::Bool(!b),
                    _ => return Err(self.problem(start, "opération unaire non évaluable")),
                };
                self.at(start, value, v.computed)
            }
            Expression::BinaryExpression(b) => {
                let l = self.eval(&b.left)?;
                let r = self.eval(&b.right)?;
                let computed = l.computed || r.computed;
                let value = match (b.operator, &l.value, &r.value) {
                    (BinaryOperator::Addition, Value::String(a), _) => {
                        Value::String(format!("{a}{}", display(&r.value).unwrap_or_default()))
                    }
                    (BinaryOperator::Addition, Value::Number(a), Value::Number(c)) => {
                        Value::Number(a + c)
                    }
                    (BinaryOperator::Subtraction, Value::Number(a), Value::Number(c)) => {
                        Value::Number(a - c)
                    }
                    (BinaryOperator::Multiplication, Value::Number(a), Value::Number(c)) => {
                        Value::Number(a * c)
                    }
                    (BinaryOperator::Division, Value::Number(a), Value::Number(c)) if *c != 0.0 => {
                        Value::Number(a / c)
                    }
                    (BinaryOperator::Remainder, Value::Number(a), Value::Number(c))
                        if *c != 0.0 =>
                    {
                        Value::Number(a % c)
                    }
                    _ => return Err(self.problem(start, "opération non évaluable")),
                };
                self.at(start, value, computed)
            }
            Expression::ParenthesizedExpression(p) => self.eval(&p.expression),
            Expression::TSAsExpression(_)
            | Expression::TSSatisfiesExpression(_)
            | Expression::TSNonNullExpression(_)
            | Expression::TSTypeAssertion(_) => self.eval(unwrap_ts(expr)),
            Expression::NewExpression(n) => {
                let is_date = matches!(&n.callee, Expression::Identifier(id) if id.name == "Date");
                if !is_date {
                    return Err(self.problem(start, "« new » d'autre chose que Date"));
                }
                let args = self.args(&n.arguments)?;
                let (instant, computed) = match args.as_slice() {
                    [] => (self.now, true),
                    [a] => (self.instant(a)?, a.computed),
                    _ => return Err(self.problem(start, "new Date(…) à plusieurs arguments")),
                };
                self.at(start, Value::Date(instant), computed)
            }
            Expression::CallExpression(c) => {
                let Expression::StaticMemberExpression(m) = &c.callee else {
                    return Err(self.problem(start, "appel de fonction : pas une donnée littérale"));
                };
                let method = m.property.name.as_str();
                if matches!(&m.object, Expression::Identifier(id) if id.name == "Date") {
                    return match method {
                        "now" => self.at(
                            start,
                            Value::Number(self.now.timestamp_millis() as f64),
                            true,
                        ),
                        _ => Err(self.problem(start, format!("Date.{method}() non évaluable"))),
                    };
                }
                let obj = self.eval(&m.object)?;
                let args = self.args(&c.arguments)?;
                let value = match (&obj.value, method, args.as_slice()) {
                    (Value::Date(d), "toISOString" | "toJSON", []) => {
                        Value::String(d.to_rfc3339_opts(SecondsFormat::Millis, true))
                    }
                    (Value::Date(d), "getTime" | "valueOf", []) => {
                        Value::Number(d.timestamp_millis() as f64)
                    }
                    (Value::String(s), "slice" | "substring", [a, rest @ ..]) => {
                        let chars: Vec<char> = s.chars().collect();
                        let from = index(a).unwrap_or(0).min(chars.len());
                        let to = rest
                            .first()
                            .and_then(index)
                            .unwrap_or(chars.len())
                            .clamp(from, chars.len());
                        Value::String(chars[from..to].iter().collect())
                    }
                    (Value::String(s), "split", [sep]) => match &sep.value {
                        Value::String(sep) => Value::Array(
                            s.split(sep.as_str())
                                .map(|part| Spanned {
                                    value: Value::String(part.to_owned()),
                                    pos: obj.pos,
                                    computed: obj.computed,
                                })
                                .collect(),
                        ),
                        _ => return Err(self.problem(start, "split(…) sans séparateur texte")),
                    },
                    (Value::Number(n), "toFixed", [d]) => {
                        let digits = index(d).unwrap_or(0);
                        Value::String(format!("{n:.digits$}"))
                    }
                    _ => {
                        return Err(self.problem(
                            start,
                            format!("appel .{method}(…) : pas une donnée littérale"),
                        ));
                    }
                };
                let computed = obj.computed || args.iter().any(|a| a.computed);
                self.at(start, value, computed)
            }
            Expression::ComputedMemberExpression(m) => {
                let obj = self.eval(&m.object)?;
                let key = self.eval(&m.expression)?;
                let found = match (&obj.value, &key.value) {
                    (Value::Array(items), _) => index(&key).and_then(|i| items.get(i)).cloned(),
                    (Value::Object(_), Value::String(k)) => obj.field(k).cloned(),
                    _ => None,
                };
                found.ok_or_else(|| self.problem(start, "accès indexé non résolu"))
            }
            Expression::StaticMemberExpression(m) => {
                let obj = self.eval(&m.object)?;
                let name = m.property.name.as_str();
                match (&obj.value, name) {
                    (Value::Array(items), "length") => {
                        self.at(start, Value::Number(items.len() as f64), obj.computed)
                    }
                    (Value::Object(_), _) => obj.field(name).cloned().ok_or_else(|| {
                        self.problem(start, format!("propriété « {name} » absente"))
                    }),
                    _ => Err(self.problem(start, format!("accès « .{name} » non évaluable"))),
                }
            }
            _ => Err(self.problem(
                start,
                "expression non littérale (fonction, appel ou variable) : pas une donnée",
            )),
        }
    }

    fn args(&self, args: &[Argument<'_>]) -> Result<Vec<Spanned>, Problem> {
        args.iter()
            .map(|a| match a.as_expression() {
                Some(e) => self.eval(e),
                None => Err(self.problem(a.span().start, "argument « ... » non évaluable")),
            })
            .collect()
    }

    /// `new Date(x)`: milliseconds since the epoch, an ISO string or another date.
    fn instant(&self, v: &Spanned) -> Result<DateTime<Utc>, Problem> {
        let bad = || Problem {
            pos: v.pos,
            message: "date illisible".into(),
        };
        match &v.value {
            Value::Date(d) => Ok(*d),
            Value::Number(ms) => Utc
                .timestamp_millis_opt(*ms as i64)
                .single()
                .ok_or_else(bad),
            Value::String(s) => parse_instant(s).ok_or_else(bad),
            _ => Err(bad()),
        }
    }
}

fn items_of(values: &[Spanned]) -> Vec<Item> {
    values
        .iter()
        .map(|v| Item {
            pos: v.pos,
            value: Ok(v.clone()),
        })
        .collect()
}

fn index(v: &Spanned) -> Option<usize> {
    match v.value {
        Value::Number(n) if n >= 0.0 && n.fract() == 0.0 => Some(n as usize),
        _ => None,
    }
}

fn display(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Date(d) => Some(d.to_rfc3339_opts(SecondsFormat::Millis, true)),
        _ => None,
    }
}

/// An ISO instant (`2026-03-01T10:00:00Z`, with or without seconds/offset) or a calendar
/// date (`2026-03-01`, taken as midnight UTC as JavaScript does).
pub fn parse_instant(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(n) = chrono::NaiveDateTime::parse_from_str(s, fmt) {
            return Some(n.and_utc());
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|n| n.and_utc())
}

fn unwrap_ts<'b, 'a>(mut expr: &'b Expression<'a>) -> &'b Expression<'a> {
    loop {
        expr = match expr {
            Expression::TSAsExpression(e) => &e.expression,
            Expression::TSSatisfiesExpression(e) => &e.expression,
            Expression::TSNonNullExpression(e) => &e.expression,
            Expression::TSTypeAssertion(e) => &e.expression,
            Expression::ParenthesizedExpression(e) => &e.expression,
            _ => return expr,
        }
    }
}

/// `Client[]`, `Array<Client>` → `Client`; `AgendaSettings` → itself.
fn type_name(t: &TSType<'_>) -> Option<String> {
    match t {
        TSType::TSArrayType(a) => type_name(&a.element_type),
        TSType::TSTypeReference(r) => {
            let TSTypeName::IdentifierReference(id) = &r.type_name else {
                return None;
            };
            if id.name == "Array" || id.name == "ReadonlyArray" {
                r.type_arguments
                    .as_ref()
                    .and_then(|a| a.params.first())
                    .and_then(type_name)
            } else {
                Some(id.name.to_string())
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-12-02T10:00:00Z".parse().unwrap()
    }

    #[test]
    fn typed_arrays_objects_and_computed_dates() {
        let src = r#"import type { Client } from "@/types";
type Client = { id: string; name: string };
const base = { city: "Dijon" };
export const MOCK_CLIENTS: Client[] = [
  { id: "1", name: "Anne", price: 8.9, ...base },
  { id: "2", name: `B${"ob"}`, at: new Date(Date.now() + 60 * 60 * 1000).toISOString() },
];
export const settings: Settings = { step: 15 };
let store = [...MOCK_CLIENTS];
export function all() { return store; }
"#;
        let m = parse_module(src, false, now());
        assert!(m.syntax_errors.is_empty());
        assert_eq!(m.imports, ["@/types"]);
        let c = m.decl("MOCK_CLIENTS").unwrap();
        assert_eq!(c.type_name.as_deref(), Some("Client"));
        assert_eq!(c.items().len(), 2);
        assert_eq!(c.fields(), ["id", "name", "price", "city", "at"]);
        let second = c.items()[1].value.as_ref().unwrap();
        assert_eq!(second.pos, Pos { line: 6, column: 3 });
        let at = second.field("at").unwrap();
        assert!(at.computed);
        assert_eq!(at.value, Value::String("2026-12-02T11:00:00.000Z".into()));
        assert_eq!(
            second.field("name").unwrap().value,
            Value::String("Bob".into())
        );
        assert_eq!(m.decl("settings").unwrap().items().len(), 1);
        assert!(matches!(m.decl("store").unwrap().body, Body::Alias));
        assert!(m.decl("all").is_none());
        assert_eq!(m.data_decls().count(), 2);
    }

    #[test]
    fn non_literal_values_and_syntax_errors_have_positions() {
        let src = r#"export const xs = [
  { id: "1" },
  { id: makeId() },
];
export const ys = load();
"#;
        let m = parse_module(src, false, now());
        let xs = m.decl("xs").unwrap();
        assert!(xs.items()[0].value.is_ok());
        let err = xs.items()[1].value.as_ref().unwrap_err();
        assert_eq!(err.pos, Pos { line: 3, column: 9 });
        assert!(matches!(m.decl("ys").unwrap().body, Body::Other(_)));

        let broken = parse_module("export const xs = [\n  { id: \"1\" ,\n];\n", false, now());
        assert!(!broken.syntax_errors.is_empty());
        assert_eq!(broken.syntax_errors[0].pos.line, 3);
    }
}
