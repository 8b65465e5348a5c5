//! Invariants of the Terraform under `terraform/`, checked on the parsed HCL.
//!
//! Terraform cannot download its AWS provider on these machines, so `terraform validate`
//! and `plan` are out of reach. These tests parse every `.tf` file with hcl-rs and check
//! the properties the audit found broken: port 80 only redirects to HTTPS, 443 uses the
//! ACM certificate with a TLS 1.3 policy, no secret sits in a task definition's
//! `environment`, the app's secrets come from Secrets Manager ARNs, RDS is private,
//! encrypted and protected, and every alarm of the list notifies the SNS topic.
//!
//! Each rule is a function over a [`Tree`] (parsed files grouped by directory) returning
//! the violations it found, so the tests at the bottom can feed it broken snippets and
//! prove the rule fails when its invariant is broken.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use hcl::expr::{Expression, ObjectKey, Operation, TemplateExpr, TraversalOperator};
use hcl::template::{Directive, Element, Template};
use hcl::{Block, Body};

// ------------------------------------------------------------------------------------------
// The parsed tree and its vocabulary

/// Parsed `.tf` files, grouped by directory relative to `terraform/` (a Terraform module:
/// `modules/ecs`, `environments/production`).
struct Tree {
    dirs: BTreeMap<String, Vec<Body>>,
}

/// A resource, data source or module call, with the directory (module) it lives in.
#[derive(Clone, Copy)]
struct Item<'a> {
    dir: &'a str,
    kind: &'a str,
    name: &'a str,
    body: &'a Body,
}

impl Item<'_> {
    fn id(&self) -> String {
        format!("{}: {}.{}", self.dir, self.kind, self.name)
    }
}

impl Tree {
    /// Every `.tf` file of the repository's `terraform/` directory.
    fn load() -> Tree {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../terraform");
        let mut files = Vec::new();
        collect_tf_files(&root, &mut files);
        assert!(!files.is_empty(), "no .tf file under {}", root.display());
        let mut dirs: BTreeMap<String, Vec<Body>> = BTreeMap::new();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            let body = hcl::parse(&text)
                .unwrap_or_else(|e| panic!("{} does not parse: {e}", file.display()));
            let dir = file
                .parent()
                .unwrap()
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            dirs.entry(dir).or_default().push(body);
        }
        Tree { dirs }
    }

    /// A tree from snippets: `(directory, HCL source)` pairs.
    fn from_sources(sources: &[(&str, &str)]) -> Tree {
        let mut dirs: BTreeMap<String, Vec<Body>> = BTreeMap::new();
        for (dir, text) in sources {
            let body = hcl::parse(text).unwrap_or_else(|e| panic!("snippet for {dir}: {e}"));
            dirs.entry((*dir).to_owned()).or_default().push(body);
        }
        Tree { dirs }
    }

    /// Top-level blocks `ident "label0" "label1" { … }` of every file.
    fn blocks<'a>(&'a self, ident: &'a str) -> impl Iterator<Item = (&'a str, &'a Block)> + 'a {
        self.dirs.iter().flat_map(move |(dir, bodies)| {
            bodies.iter().flat_map(move |body| {
                body.blocks()
                    .filter(move |b| b.identifier() == ident)
                    .map(move |b| (dir.as_str(), b))
            })
        })
    }

    fn resources<'a>(&'a self, kind: &'a str) -> Vec<Item<'a>> {
        self.blocks("resource")
            .filter(|(_, b)| label(b, 0) == Some(kind))
            .map(|(dir, b)| Item {
                dir,
                kind,
                name: label(b, 1).unwrap_or(""),
                body: b.body(),
            })
            .collect()
    }

    /// Module calls: `(calling dir, call name, called dir, body)`.
    fn module_calls(&self) -> Vec<(&str, &str, String, &Body)> {
        self.blocks("module")
            .filter_map(|(dir, b)| {
                let source = string(attr(b.body(), "source")?)?;
                Some((dir, label(b, 0)?, join_dir(dir, &source), b.body()))
            })
            .collect()
    }

    /// A top-level block of `dir` such as `variable "x"` or `output "y"`.
    fn named_block(&self, dir: &str, ident: &str, name: &str) -> Option<&Body> {
        self.dirs.get(dir)?.iter().find_map(|body| {
            body.blocks()
                .find(|b| b.identifier() == ident && label(b, 0) == Some(name))
                .map(|b| b.body())
        })
    }

    fn local(&self, dir: &str, name: &str) -> Option<&Expression> {
        self.dirs.get(dir)?.iter().find_map(|body| {
            body.blocks()
                .filter(|b| b.identifier() == "locals")
                .find_map(|b| attr(b.body(), name))
        })
    }

    /// Where the value of `expr` (written in `dir`) comes from: the resource attributes it
    /// references (`aws_acm_certificate_validation.this.certificate_arn`), following
    /// `var.*` into every caller's arguments, `module.*.*` into the called module's
    /// outputs, and `local.*`. A root variable without caller stays `var.NAME`.
    fn origins(&self, dir: &str, expr: &Expression) -> Vec<String> {
        let mut out = Vec::new();
        self.origins_into(dir, expr, 0, &mut out);
        out.sort();
        out.dedup();
        out
    }

    fn origins_into(&self, dir: &str, expr: &Expression, depth: usize, out: &mut Vec<String>) {
        if depth > 12 {
            out.push("<too deep>".into());
            return;
        }
        for reference in references(expr) {
            let parts: Vec<&str> = reference.split('.').collect();
            match parts.as_slice() {
                ["var", name, ..] => {
                    let callers: Vec<_> = self
                        .module_calls()
                        .into_iter()
                        .filter(|(_, _, called, _)| called == dir)
                        .collect();
                    if callers.is_empty() {
                        out.push(format!("var.{name}"));
                    }
                    for (caller_dir, _, _, call) in callers {
                        match attr(call, name) {
                            Some(arg) => self.origins_into(caller_dir, arg, depth + 1, out),
                            None => out.push(format!("var.{name} (default)")),
                        }
                    }
                }
                ["module", call, output, ..] => {
                    let called = self
                        .module_calls()
                        .into_iter()
                        .find(|(d, n, _, _)| *d == dir && n == call)
                        .map(|(_, _, called, _)| called);
                    match called.as_deref().and_then(|c| {
                        let value = attr(self.named_block(c, "output", output)?, "value")?;
                        Some((c, value))
                    }) {
                        Some((c, value)) => self.origins_into(c, value, depth + 1, out),
                        None => out.push(reference.clone()),
                    }
                }
                ["local", name, ..] => match self.local(dir, name) {
                    Some(value) => self.origins_into(dir, value, depth + 1, out),
                    None => out.push(reference.clone()),
                },
                // Loop and iteration variables are not sources of values.
                ["each" | "count" | "path" | "terraform" | "self", ..] => {}
                _ => out.push(reference.clone()),
            }
        }
    }

    /// The literal values `expr` can take: itself when literal, else for `var.X` every
    /// caller's argument (recursively) or the variable's default.
    fn values(&self, dir: &str, expr: &Expression) -> Vec<Expression> {
        let mut out = Vec::new();
        self.values_into(dir, expr, 0, &mut out);
        out
    }

    fn values_into(&self, dir: &str, expr: &Expression, depth: usize, out: &mut Vec<Expression>) {
        let var_name = match expr {
            Expression::Traversal(t) => match (&t.expr, t.operators.as_slice()) {
                (Expression::Variable(v), [TraversalOperator::GetAttr(name)])
                    if v.as_str() == "var" =>
                {
                    Some(name.as_str().to_owned())
                }
                _ => None,
            },
            _ => None,
        };
        let Some(name) = var_name.filter(|_| depth < 12) else {
            out.push(expr.clone());
            return;
        };
        let callers: Vec<_> = self
            .module_calls()
            .into_iter()
            .filter(|(_, _, called, _)| called == dir)
            .collect();
        let default = self
            .named_block(dir, "variable", &name)
            .and_then(|v| attr(v, "default"));
        let mut used_default = callers.is_empty();
        for (caller_dir, _, _, call) in &callers {
            match attr(call, &name) {
                Some(arg) => self.values_into(caller_dir, arg, depth + 1, out),
                None => used_default = true,
            }
        }
        if used_default {
            match default {
                Some(d) => out.push(d.clone()),
                None => out.push(expr.clone()),
            }
        }
    }
}

fn collect_tf_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            // Provider caches of a local `terraform init` are not ours.
            if name != ".terraform" {
                collect_tf_files(&path, out);
            }
        } else if name.ends_with(".tf") {
            out.push(path);
        }
    }
}

/// `environments/production` + `../../modules/ecs` → `modules/ecs`.
fn join_dir(dir: &str, source: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in source.split('/') {
        match part {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

fn label(block: &Block, i: usize) -> Option<&str> {
    block.labels().get(i).map(|l| l.as_str())
}

fn attr<'a>(body: &'a Body, key: &str) -> Option<&'a Expression> {
    body.attributes().find(|a| a.key() == key).map(|a| a.expr())
}

fn sub_blocks<'a>(body: &'a Body, ident: &'a str) -> impl Iterator<Item = &'a Body> + 'a {
    body.blocks()
        .filter(move |b| b.identifier() == ident)
        .map(|b| b.body())
}

/// A string literal (plain, or a template without interpolation).
fn string(expr: &Expression) -> Option<String> {
    match expr {
        Expression::String(s) => Some(s.clone()),
        Expression::TemplateExpr(t) => {
            let template = Template::from_expr(t).ok()?;
            let mut s = String::new();
            for element in template.elements() {
                match element {
                    Element::Literal(l) => s.push_str(l),
                    _ => return None,
                }
            }
            Some(s)
        }
        Expression::Parenthesis(e) => string(e),
        _ => None,
    }
}

fn number(expr: &Expression) -> Option<f64> {
    match expr {
        Expression::Number(n) => n.as_f64(),
        _ => string(expr).and_then(|s| s.parse().ok()),
    }
}

fn boolean(expr: &Expression) -> Option<bool> {
    match expr {
        Expression::Bool(b) => Some(*b),
        _ => None,
    }
}

fn object_get<'a>(object: &'a Expression, key: &str) -> Option<&'a Expression> {
    let Expression::Object(map) = object else {
        return None;
    };
    map.iter().find_map(|(k, v)| {
        let name = match k {
            ObjectKey::Identifier(i) => Some(i.as_str().to_owned()),
            ObjectKey::Expression(e) => string(e),
            _ => None,
        };
        (name.as_deref() == Some(key)).then_some(v)
    })
}

/// Every reference (`var.x`, `module.acm.certificate_arn`, `aws_lb.this.arn`) an
/// expression contains, interpolations of templates included.
fn references(expr: &Expression) -> Vec<String> {
    let mut out = Vec::new();
    collect_references(expr, &mut out);
    out
}

fn collect_references(expr: &Expression, out: &mut Vec<String>) {
    match expr {
        Expression::Variable(v) => out.push(v.as_str().to_owned()),
        Expression::Traversal(t) => {
            if let Expression::Variable(v) = &t.expr {
                let mut path = v.as_str().to_owned();
                for op in &t.operators {
                    match op {
                        TraversalOperator::GetAttr(name) => {
                            path.push('.');
                            path.push_str(name.as_str());
                        }
                        TraversalOperator::Index(index) => collect_references(index, out),
                        _ => {}
                    }
                }
                out.push(path);
            } else {
                collect_references(&t.expr, out);
            }
        }
        Expression::Array(items) => items.iter().for_each(|e| collect_references(e, out)),
        Expression::Object(map) => {
            for (k, v) in map.iter() {
                if let ObjectKey::Expression(k) = k {
                    collect_references(k, out);
                }
                collect_references(v, out);
            }
        }
        Expression::TemplateExpr(t) => {
            if let Ok(template) = Template::from_expr(t) {
                collect_template_references(&template, out);
            }
        }
        Expression::FuncCall(f) => f.args.iter().for_each(|e| collect_references(e, out)),
        Expression::Parenthesis(e) => collect_references(e, out),
        Expression::Conditional(c) => {
            collect_references(&c.cond_expr, out);
            collect_references(&c.true_expr, out);
            collect_references(&c.false_expr, out);
        }
        Expression::Operation(op) => match op.as_ref() {
            Operation::Unary(u) => collect_references(&u.expr, out),
            Operation::Binary(b) => {
                collect_references(&b.lhs_expr, out);
                collect_references(&b.rhs_expr, out);
            }
        },
        Expression::ForExpr(f) => {
            collect_references(&f.collection_expr, out);
            if let Some(k) = &f.key_expr {
                collect_references(k, out);
            }
            collect_references(&f.value_expr, out);
        }
        _ => {}
    }
}

fn collect_template_references(template: &Template, out: &mut Vec<String>) {
    for element in template.elements() {
        match element {
            Element::Interpolation(i) => collect_references(&i.expr, out),
            Element::Directive(d) => match d.as_ref() {
                Directive::If(d) => {
                    collect_references(&d.cond_expr, out);
                    collect_template_references(&d.true_template, out);
                    if let Some(f) = &d.false_template {
                        collect_template_references(f, out);
                    }
                }
                Directive::For(d) => {
                    collect_references(&d.collection_expr, out);
                    collect_template_references(&d.template, out);
                }
            },
            Element::Literal(_) => {}
        }
    }
}

/// The literal prefix of a template (`"${var.arn}:url::"` → `""`), to tell an ARN
/// reference from a value typed in.
fn leading_literal(expr: &Expression) -> Option<String> {
    match expr {
        Expression::String(s) => Some(s.clone()),
        Expression::TemplateExpr(t) => {
            let template = Template::from_expr(t).ok()?;
            match template.elements().first() {
                Some(Element::Literal(l)) => Some(l.clone()),
                _ => Some(String::new()),
            }
        }
        _ => None,
    }
}

/// Violations of a rule; empty means the rule holds.
type Violations = Vec<String>;

fn port(item: &Item<'_>) -> Option<f64> {
    attr(item.body, "port").and_then(number)
}

// ------------------------------------------------------------------------------------------
// Rules

/// Every port-80 listener answers one thing: a 301 to HTTPS on 443. No other default
/// action, and no listener rule attached to it (a rule could forward plain HTTP).
fn check_http_redirect(tree: &Tree) -> Violations {
    let mut v = Vec::new();
    let listeners: Vec<_> = tree
        .resources("aws_lb_listener")
        .into_iter()
        .filter(|l| port(l) == Some(80.0))
        .collect();
    if listeners.is_empty() {
        v.push("no aws_lb_listener on port 80 (HTTP must answer with a redirect)".into());
    }
    for l in &listeners {
        let actions: Vec<_> = sub_blocks(l.body, "default_action").collect();
        if actions.len() != 1 {
            v.push(format!(
                "{}: {} default_action blocks, expected exactly one redirect",
                l.id(),
                actions.len()
            ));
        }
        for action in &actions {
            let kind = attr(action, "type").and_then(string);
            if kind.as_deref() != Some("redirect") {
                v.push(format!(
                    "{}: default_action type {kind:?}, expected \"redirect\"",
                    l.id()
                ));
            }
            if attr(action, "target_group_arn").is_some()
                || sub_blocks(action, "forward").count() > 0
            {
                v.push(format!("{}: port 80 forwards traffic", l.id()));
            }
            let redirects: Vec<_> = sub_blocks(action, "redirect").collect();
            if redirects.len() != 1 {
                v.push(format!("{}: expected one redirect block", l.id()));
            }
            for r in redirects {
                let get = |k| attr(r, k).and_then(string);
                if get("protocol").as_deref() != Some("HTTPS") {
                    v.push(format!("{}: redirect protocol is not HTTPS", l.id()));
                }
                if get("port").as_deref() != Some("443") {
                    v.push(format!("{}: redirect port is not 443", l.id()));
                }
                if get("status_code").as_deref() != Some("HTTP_301") {
                    v.push(format!(
                        "{}: redirect status {:?}, expected HTTP_301",
                        l.id(),
                        get("status_code")
                    ));
                }
            }
        }
        let own_arn = format!("{}.{}.arn", l.kind, l.name);
        for rule in tree.resources("aws_lb_listener_rule") {
            let attached = rule.dir == l.dir
                && attr(rule.body, "listener_arn")
                    .map(|e| references(e).contains(&own_arn))
                    .unwrap_or(false);
            if attached {
                v.push(format!("{} is attached to the port-80 listener", rule.id()));
            }
        }
    }
    v
}

/// Every port-443 listener is HTTPS with an `ELBSecurityPolicy-TLS13-…` policy and the
/// certificate of the acm module (an `aws_acm_certificate_validation`, i.e. issued).
fn check_https_listener(tree: &Tree) -> Violations {
    let mut v = Vec::new();
    let listeners: Vec<_> = tree
        .resources("aws_lb_listener")
        .into_iter()
        .filter(|l| port(l) == Some(443.0))
        .collect();
    if listeners.is_empty() {
        v.push("no aws_lb_listener on port 443".into());
    }
    for l in &listeners {
        if attr(l.body, "protocol").and_then(string).as_deref() != Some("HTTPS") {
            v.push(format!("{}: protocol is not HTTPS", l.id()));
        }
        match attr(l.body, "ssl_policy") {
            None => v.push(format!("{}: no ssl_policy", l.id())),
            Some(policy) => {
                for value in tree.values(l.dir, policy) {
                    let ok = string(&value)
                        .map(|s| s.starts_with("ELBSecurityPolicy-TLS13-"))
                        .unwrap_or(false);
                    if !ok {
                        v.push(format!(
                            "{}: ssl_policy can be {value}, not an ELBSecurityPolicy-TLS13-* policy",
                            l.id()
                        ));
                    }
                }
            }
        }
        match attr(l.body, "certificate_arn") {
            None => v.push(format!("{}: no certificate_arn", l.id())),
            Some(cert) => {
                let origins = tree.origins(l.dir, cert);
                let from_acm = !origins.is_empty()
                    && origins
                        .iter()
                        .all(|o| o.starts_with("aws_acm_certificate_validation."));
                if !from_acm {
                    v.push(format!(
                        "{}: certificate_arn comes from {origins:?}, not from the acm module's validated certificate",
                        l.id()
                    ));
                }
            }
        }
    }
    v
}

/// The containers of every task definition: `container_definitions = jsonencode([{…}])`,
/// read as HCL expressions. A definition in any other form cannot be verified, so it is a
/// violation itself.
fn containers<'a>(tree: &'a Tree, v: &mut Violations) -> Vec<(Item<'a>, &'a Expression)> {
    let mut out = Vec::new();
    let task_defs = tree.resources("aws_ecs_task_definition");
    for td in task_defs {
        let defs = attr(td.body, "container_definitions");
        let list = match defs {
            Some(Expression::FuncCall(f)) if f.name.name.as_str() == "jsonencode" => {
                match f.args.as_slice() {
                    [Expression::Array(items)] => Some(items),
                    _ => None,
                }
            }
            _ => None,
        };
        match list {
            Some(items) => out.extend(items.iter().map(|c| (td, c))),
            None => v.push(format!(
                "{}: container_definitions is not jsonencode([ {{…}} ]); write it as HCL so it can be checked",
                td.id()
            )),
        }
    }
    out
}

fn container_name(c: &Expression) -> String {
    // A literal name, else the expression itself (`local.container_name`).
    match object_get(c, "name") {
        Some(e) => string(e).unwrap_or_else(|| e.to_string()),
        None => "?".into(),
    }
}

/// Names the application or AWS would treat as secrets.
fn secret_like_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    [
        "DATABASE_URL",
        "SESSION_SECRET",
        "PASSWORD",
        "SECRET",
        "TOKEN",
        "KEY",
        "SMTP_URL",
    ]
    .iter()
    .any(|word| upper.contains(word))
}

/// Values that look like credentials whatever their variable's name.
fn credential_like_value(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    // A URL with user:password@ (postgres://u:p@h, smtp://u:p@h).
    let url_with_password = value
        .split_once("://")
        .map(|(_, rest)| {
            let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
            authority
                .rsplit_once('@')
                .map(|(userinfo, _)| userinfo.contains(':'))
                .unwrap_or(false)
        })
        .unwrap_or(false);
    let aws_key = value.len() >= 20
        && (value.starts_with("AKIA") || value.starts_with("ASIA"))
        && value[..20].chars().all(|c| c.is_ascii_alphanumeric());
    url_with_password
        || aws_key
        || lower.contains("-----begin")
        || lower.contains("password=")
        || lower.contains("secret=")
}

/// No `environment` entry of a container holds a secret, by name or by value. A value
/// computed from a secret resource or the random provider counts too.
fn check_no_plaintext_secrets(tree: &Tree) -> Violations {
    let mut v = Vec::new();
    for (td, c) in containers(tree, &mut v) {
        let Some(env) = object_get(c, "environment") else {
            continue;
        };
        let Expression::Array(entries) = env else {
            v.push(format!(
                "{} container {}: environment is not a literal list",
                td.id(),
                container_name(c)
            ));
            continue;
        };
        for entry in entries {
            let name = object_get(entry, "name")
                .and_then(string)
                .unwrap_or_default();
            let Some(value) = object_get(entry, "value") else {
                continue;
            };
            let where_ = format!("{} container {} env {name}", td.id(), container_name(c));
            if secret_like_name(&name) {
                v.push(format!(
                    "{where_}: a secret by its name; use `secrets` with valueFrom"
                ));
            }
            if string(value)
                .map(|s| credential_like_value(&s))
                .unwrap_or(false)
            {
                v.push(format!("{where_}: the value looks like a credential"));
            }
            let leaks = tree.origins(td.dir, value).into_iter().find(|o| {
                o.starts_with("random_password.")
                    || o.starts_with("aws_secretsmanager_secret_version.")
                    || o.starts_with("data.aws_secretsmanager_secret_version.")
                    || o.contains("password")
            });
            if let Some(source) = leaks {
                v.push(format!("{where_}: the value is computed from {source}"));
            }
        }
    }
    v
}

/// The secrets `spymeo serve` reads.
const APP_SECRETS: [&str; 4] = [
    "DATABASE_URL",
    "SESSION_SECRET",
    "SESSION_SECRET_PREVIOUS",
    "SMTP_URL",
];

/// Every container running `spymeo` gets each application secret through `secrets`, with
/// `valueFrom` a reference that resolves to an `aws_secretsmanager_secret`'s ARN.
fn check_secrets_from_arns(tree: &Tree) -> Violations {
    let mut v = Vec::new();
    let all = containers(tree, &mut v);
    if all.is_empty() && v.is_empty() {
        v.push("no aws_ecs_task_definition found".into());
    }
    for (td, c) in all {
        let where_ = format!("{} container {}", td.id(), container_name(c));
        let entries = match object_get(c, "secrets") {
            Some(Expression::Array(entries)) => entries.as_slice(),
            _ => {
                v.push(format!("{where_}: no literal `secrets` list"));
                &[]
            }
        };
        for wanted in APP_SECRETS {
            let entry = entries
                .iter()
                .find(|e| object_get(e, "name").and_then(string).as_deref() == Some(wanted));
            let Some(entry) = entry else {
                v.push(format!(
                    "{where_}: {wanted} does not come through `secrets`"
                ));
                continue;
            };
            let Some(value_from) = object_get(entry, "valueFrom") else {
                v.push(format!("{where_}: {wanted} has no valueFrom"));
                continue;
            };
            // A typed-in ARN or value would bypass the module that owns the secret.
            if leading_literal(value_from).is_some_and(|l| !l.is_empty())
                || string(value_from).is_some()
            {
                v.push(format!(
                    "{where_}: {wanted} valueFrom is a literal, not a reference"
                ));
                continue;
            }
            let origins = tree.origins(td.dir, value_from);
            let ok = !origins.is_empty()
                && origins
                    .iter()
                    .all(|o| o.starts_with("aws_secretsmanager_secret.") && o.ends_with(".arn"));
            if !ok {
                v.push(format!(
                    "{where_}: {wanted} valueFrom resolves to {origins:?}, not a Secrets Manager secret ARN"
                ));
            }
        }
    }
    v
}

/// Every RDS instance: not publicly accessible, storage encrypted, deletion protection.
fn check_rds(tree: &Tree) -> Violations {
    let mut v = Vec::new();
    let instances = tree.resources("aws_db_instance");
    if instances.is_empty() {
        v.push("no aws_db_instance".into());
    }
    for db in instances {
        for (key, wanted) in [
            ("publicly_accessible", false),
            ("storage_encrypted", true),
            ("deletion_protection", true),
        ] {
            let values: Vec<_> = attr(db.body, key)
                .map(|e| tree.values(db.dir, e))
                .unwrap_or_default();
            if values.is_empty() || values.iter().any(|e| boolean(e) != Some(wanted)) {
                v.push(format!("{}: {key} must be {wanted}", db.id()));
            }
        }
    }
    v
}

/// The alarms the issue lists, by what they measure: (namespace, metric, statistic).
const REQUIRED_ALARMS: [(&str, &str, Option<&str>); 8] = [
    ("AWS/ECS", "CPUUtilization", None),
    ("AWS/ECS", "MemoryUtilization", None),
    ("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", None),
    ("AWS/ApplicationELB", "UnHealthyHostCount", None),
    ("AWS/ApplicationELB", "TargetResponseTime", Some("p99")),
    ("AWS/RDS", "CPUUtilization", None),
    ("AWS/RDS", "FreeStorageSpace", None),
    ("AWS/RDS", "DatabaseConnections", None),
];

/// Each alarm of the list exists, and it and every other alarm notify an SNS topic.
fn check_alarms(tree: &Tree) -> Violations {
    let mut v = Vec::new();
    let alarms = tree.resources("aws_cloudwatch_metric_alarm");
    let get = |a: &Item<'_>, k: &str| attr(a.body, k).and_then(string);
    for (namespace, metric, stat) in REQUIRED_ALARMS {
        let found = alarms.iter().any(|a| {
            get(a, "namespace").as_deref() == Some(namespace)
                && get(a, "metric_name").as_deref() == Some(metric)
                && stat.is_none_or(|s| get(a, "extended_statistic").as_deref() == Some(s))
        });
        if !found {
            v.push(format!(
                "no alarm on {namespace} {metric}{}",
                stat.map(|s| format!(" ({s})")).unwrap_or_default()
            ));
        }
    }
    for a in &alarms {
        let notifies_sns = match attr(a.body, "alarm_actions") {
            Some(Expression::Array(actions)) if !actions.is_empty() => actions.iter().all(|e| {
                let origins = tree.origins(a.dir, e);
                !origins.is_empty() && origins.iter().all(|o| o.starts_with("aws_sns_topic."))
            }),
            _ => false,
        };
        if !notifies_sns {
            v.push(format!(
                "{}: alarm_actions must reference the SNS topic",
                a.id()
            ));
        }
    }
    v
}

/// What keeps deploys from dropping requests or leaving a broken release in place.
fn check_service_and_alb(tree: &Tree) -> Violations {
    let mut v = Vec::new();
    let services = tree.resources("aws_ecs_service");
    if services.is_empty() {
        v.push("no aws_ecs_service".into());
    }
    for s in &services {
        let breaker = sub_blocks(s.body, "deployment_circuit_breaker").next();
        let on = |k| breaker.and_then(|b| attr(b, k)).and_then(boolean) == Some(true);
        if !(on("enable") && on("rollback")) {
            v.push(format!(
                "{}: deployment circuit breaker with rollback required",
                s.id()
            ));
        }
        let grace: Vec<_> = attr(s.body, "health_check_grace_period_seconds")
            .map(|e| tree.values(s.dir, e))
            .unwrap_or_default();
        if grace.is_empty() || grace.iter().any(|g| number(g).unwrap_or(0.0) <= 0.0) {
            v.push(format!(
                "{}: health_check_grace_period_seconds required",
                s.id()
            ));
        }
        for net in sub_blocks(s.body, "network_configuration") {
            if attr(net, "assign_public_ip").and_then(boolean) != Some(false) {
                v.push(format!("{}: tasks must not get a public IP", s.id()));
            }
        }
    }
    let mut v2 = Vec::new();
    for (td, c) in containers(tree, &mut v2) {
        let stop: Vec<_> = object_get(c, "stopTimeout")
            .map(|e| tree.values(td.dir, e))
            .unwrap_or_default();
        // The app drains for SHUTDOWN_GRACE_SECS (25 s) after SIGTERM; ECS must wait longer.
        if stop.is_empty() || stop.iter().any(|s| number(s).unwrap_or(0.0) <= 25.0) {
            v.push(format!(
                "{} container {}: stopTimeout must exceed 25 s",
                td.id(),
                container_name(c)
            ));
        }
    }
    v.extend(v2);
    for tg in tree.resources("aws_lb_target_group") {
        let hc = sub_blocks(tg.body, "health_check").next();
        let hc_get = |k| hc.and_then(|b| attr(b, k)).and_then(string);
        if hc_get("path").as_deref() != Some("/api/health")
            || hc_get("matcher").as_deref() != Some("200")
        {
            v.push(format!(
                "{}: health check must be GET /api/health, matcher 200",
                tg.id()
            ));
        }
        let delay: Vec<_> = attr(tg.body, "deregistration_delay")
            .map(|e| tree.values(tg.dir, e))
            .unwrap_or_default();
        if delay.is_empty()
            || delay
                .iter()
                .any(|d| !(5.0..=120.0).contains(&number(d).unwrap_or(300.0)))
        {
            v.push(format!(
                "{}: deregistration_delay must be set (5–120 s)",
                tg.id()
            ));
        }
    }
    for lb in tree.resources("aws_lb") {
        if attr(lb.body, "drop_invalid_header_fields").and_then(boolean) != Some(true) {
            v.push(format!(
                "{}: drop_invalid_header_fields must be true",
                lb.id()
            ));
        }
        let logs = sub_blocks(lb.body, "access_logs").next();
        if logs.and_then(|b| attr(b, "enabled")).and_then(boolean) != Some(true) {
            v.push(format!("{}: access logs must be enabled", lb.id()));
        }
    }
    v
}

/// Each environment keeps its state in S3 with locking.
fn check_backends(tree: &Tree) -> Violations {
    let mut v = Vec::new();
    for env in ["environments/staging", "environments/production"] {
        let backend = tree.dirs.get(env).into_iter().flatten().find_map(|body| {
            sub_blocks(body, "terraform")
                .flat_map(|t| t.blocks())
                .find(|b| b.identifier() == "backend" && label(b, 0) == Some("s3"))
        });
        match backend {
            None => v.push(format!("{env}: no s3 backend")),
            Some(b) => {
                let lockfile = attr(b.body(), "use_lockfile").and_then(boolean) == Some(true);
                let dynamo = attr(b.body(), "dynamodb_table").is_some();
                if !(lockfile || dynamo) {
                    v.push(format!("{env}: the s3 backend has no locking"));
                }
                if attr(b.body(), "encrypt").and_then(boolean) != Some(true) {
                    v.push(format!("{env}: the s3 backend must encrypt the state"));
                }
            }
        }
    }
    v
}

// ------------------------------------------------------------------------------------------
// The repository's Terraform

fn assert_holds(rule: &str, violations: Violations) {
    assert!(
        violations.is_empty(),
        "{rule}:\n  {}",
        violations.join("\n  ")
    );
}

#[test]
fn port_80_only_redirects_to_https_with_301() {
    assert_holds("HTTP redirect", check_http_redirect(&Tree::load()));
}

#[test]
fn port_443_uses_the_acm_certificate_and_tls13() {
    assert_holds("HTTPS listener", check_https_listener(&Tree::load()));
}

#[test]
fn no_task_definition_environment_variable_holds_a_secret() {
    assert_holds(
        "plaintext secrets",
        check_no_plaintext_secrets(&Tree::load()),
    );
}

#[test]
fn application_secrets_come_from_secrets_manager_arns() {
    assert_holds("secrets by ARN", check_secrets_from_arns(&Tree::load()));
}

#[test]
fn rds_is_private_encrypted_and_protected() {
    assert_holds("RDS", check_rds(&Tree::load()));
}

#[test]
fn every_listed_alarm_exists_and_notifies_sns() {
    assert_holds("alarms", check_alarms(&Tree::load()));
}

#[test]
fn service_and_alb_settings_keep_deploys_safe() {
    assert_holds("service and ALB", check_service_and_alb(&Tree::load()));
}

#[test]
fn environments_lock_their_state() {
    assert_holds("backends", check_backends(&Tree::load()));
}

#[test]
fn the_environments_wire_the_modules_the_same_way() {
    // staging and production differ by their tfvars only; a drift in main.tf would mean a
    // change tested in staging is not the one applied to production.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../terraform/environments");
    let strip = |env: &str| -> String {
        std::fs::read_to_string(root.join(env).join("main.tf"))
            .unwrap()
            .lines()
            .skip(2) // the two header comment lines name the environment
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip("staging"), strip("production"));
}

// ------------------------------------------------------------------------------------------
// Each rule fails when its invariant is broken

const GOOD_LISTENERS: &str = r#"
resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type = "redirect"
    redirect {
      protocol    = "HTTPS"
      port        = "443"
      status_code = "HTTP_301"
    }
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = var.certificate_arn
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }
}

variable "ssl_policy" {
  type    = string
  default = "ELBSecurityPolicy-TLS13-1-2-2021-06"
}
"#;

const ACM: &str = r#"
resource "aws_acm_certificate_validation" "this" {
  certificate_arn = aws_acm_certificate.this.arn
}
output "certificate_arn" {
  value = aws_acm_certificate_validation.this.certificate_arn
}
"#;

const ROOT: &str = r#"
module "acm" {
  source = "../../modules/acm"
}
module "ecs" {
  source          = "../../modules/ecs"
  certificate_arn = module.acm.certificate_arn
}
"#;

fn listeners_tree(ecs: &str, root: &str) -> Tree {
    Tree::from_sources(&[
        ("modules/ecs", ecs),
        ("modules/acm", ACM),
        ("environments/production", root),
    ])
}

#[test]
fn the_snippet_listeners_pass() {
    let tree = listeners_tree(GOOD_LISTENERS, ROOT);
    assert_holds("redirect", check_http_redirect(&tree));
    assert_holds("https", check_https_listener(&tree));
}

#[test]
fn a_port_80_listener_that_forwards_fails() {
    let broken = GOOD_LISTENERS.replace(
        r#"    type = "redirect"
    redirect {
      protocol    = "HTTPS"
      port        = "443"
      status_code = "HTTP_301"
    }"#,
        r#"    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn"#,
    );
    assert_ne!(broken, GOOD_LISTENERS);
    let v = check_http_redirect(&listeners_tree(&broken, ROOT));
    assert!(
        v.iter().any(|m| m.contains("expected \"redirect\"")),
        "{v:?}"
    );
    assert!(v.iter().any(|m| m.contains("forwards traffic")), "{v:?}");
}

#[test]
fn a_temporary_or_plain_http_redirect_fails() {
    let temporary = GOOD_LISTENERS.replace("HTTP_301", "HTTP_302");
    let v = check_http_redirect(&listeners_tree(&temporary, ROOT));
    assert!(v.iter().any(|m| m.contains("expected HTTP_301")), "{v:?}");

    let to_http = GOOD_LISTENERS.replacen(r#"protocol    = "HTTPS""#, r#"protocol    = "HTTP""#, 1);
    let v = check_http_redirect(&listeners_tree(&to_http, ROOT));
    assert!(v.iter().any(|m| m.contains("not HTTPS")), "{v:?}");
}

#[test]
fn a_rule_forwarding_on_port_80_fails() {
    let with_rule = format!(
        "{GOOD_LISTENERS}\n{}",
        r#"
resource "aws_lb_listener_rule" "api_over_http" {
  listener_arn = aws_lb_listener.http.arn
  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }
}
"#
    );
    let v = check_http_redirect(&listeners_tree(&with_rule, ROOT));
    assert!(
        v.iter()
            .any(|m| m.contains("attached to the port-80 listener")),
        "{v:?}"
    );
}

#[test]
fn a_missing_port_80_listener_fails() {
    let only_https = &GOOD_LISTENERS[GOOD_LISTENERS
        .find("resource \"aws_lb_listener\" \"https\"")
        .unwrap()..];
    let v = check_http_redirect(&listeners_tree(only_https, ROOT));
    assert!(
        v.iter()
            .any(|m| m.contains("no aws_lb_listener on port 80")),
        "{v:?}"
    );
}

#[test]
fn an_old_tls_policy_or_a_foreign_certificate_fails() {
    let old_policy = GOOD_LISTENERS.replace(
        "ELBSecurityPolicy-TLS13-1-2-2021-06",
        "ELBSecurityPolicy-2016-08",
    );
    let v = check_https_listener(&listeners_tree(&old_policy, ROOT));
    assert!(
        v.iter()
            .any(|m| m.contains("not an ELBSecurityPolicy-TLS13")),
        "{v:?}"
    );

    // A caller overriding the module's good default is caught too.
    let root_override = ROOT.replace(
        "certificate_arn = module.acm.certificate_arn",
        "certificate_arn = module.acm.certificate_arn\n  ssl_policy = \"ELBSecurityPolicy-TLS-1-0-2015-04\"",
    );
    let v = check_https_listener(&listeners_tree(GOOD_LISTENERS, &root_override));
    assert!(v.iter().any(|m| m.contains("TLS-1-0")), "{v:?}");

    let pasted_arn = ROOT.replace(
        "module.acm.certificate_arn",
        "\"arn:aws:acm:eu-west-3:123456789012:certificate/0000\"",
    );
    let v = check_https_listener(&listeners_tree(GOOD_LISTENERS, &pasted_arn));
    assert!(
        v.iter().any(|m| m.contains("not from the acm module")),
        "{v:?}"
    );
}

const GOOD_TASK: &str = r#"
resource "aws_ecs_task_definition" "app" {
  family = "spymeo"
  container_definitions = jsonencode([
    {
      name        = "app"
      image       = var.image
      stopTimeout = 40
      environment = [
        { name = "APP_ENV", value = "production" },
        { name = "SHUTDOWN_GRACE_SECS", value = "25" },
        { name = "S3_BUCKET_NAME", value = var.bucket },
      ]
      secrets = [
        { name = "DATABASE_URL", valueFrom = "${var.db_secret_arn}:url::" },
        { name = "SESSION_SECRET", valueFrom = "${var.session_secret_arn}:SESSION_SECRET::" },
        { name = "SESSION_SECRET_PREVIOUS", valueFrom = "${var.session_secret_arn}:SESSION_SECRET_PREVIOUS::" },
        { name = "SMTP_URL", valueFrom = "${var.smtp_secret_arn}:SMTP_URL::" },
      ]
    },
  ])
}
"#;

const SECRETS: &str = r#"
resource "aws_secretsmanager_secret" "db" { name = "db" }
resource "aws_secretsmanager_secret" "session" { name = "session" }
resource "aws_secretsmanager_secret" "smtp" { name = "smtp" }
resource "random_password" "db" { length = 40 }
output "db_secret_arn" { value = aws_secretsmanager_secret.db.arn }
output "session_secret_arn" { value = aws_secretsmanager_secret.session.arn }
output "smtp_secret_arn" { value = aws_secretsmanager_secret.smtp.arn }
output "db_password" { value = random_password.db.result }
"#;

const TASK_ROOT: &str = r#"
module "secrets" {
  source = "../../modules/secrets"
}
module "ecs" {
  source             = "../../modules/ecs"
  db_secret_arn      = module.secrets.db_secret_arn
  session_secret_arn = module.secrets.session_secret_arn
  smtp_secret_arn    = module.secrets.smtp_secret_arn
  bucket             = "spymeo-uploads"
}
"#;

fn task_tree(task: &str, root: &str) -> Tree {
    Tree::from_sources(&[
        ("modules/ecs", task),
        ("modules/secrets", SECRETS),
        ("environments/production", root),
    ])
}

#[test]
fn the_snippet_task_definition_passes() {
    let tree = task_tree(GOOD_TASK, TASK_ROOT);
    assert_holds("plaintext", check_no_plaintext_secrets(&tree));
    assert_holds("secrets", check_secrets_from_arns(&tree));
}

#[test]
fn a_secret_in_the_environment_fails() {
    let by_name = GOOD_TASK.replace(
        r#"{ name = "APP_ENV", value = "production" },"#,
        r#"{ name = "APP_ENV", value = "production" },
        { name = "SESSION_SECRET", value = "0123456789abcdef0123456789abcdef" },"#, // pragma: allowlist secret
    );
    let v = check_no_plaintext_secrets(&task_tree(&by_name, TASK_ROOT));
    assert!(
        v.iter()
            .any(|m| m.contains("env SESSION_SECRET: a secret by its name")),
        "{v:?}"
    );

    // The audit's case: the production URL with its password, under any name.
    let by_value = GOOD_TASK.replace(
        r#"{ name = "APP_ENV", value = "production" },"#,
        r#"{ name = "DB", value = "postgres://spymeo:hunter2@db.example:5432/spymeo" },"#, // pragma: allowlist secret
    );
    let v = check_no_plaintext_secrets(&task_tree(&by_value, TASK_ROOT));
    assert!(
        v.iter()
            .any(|m| m.contains("env DB: the value looks like a credential")),
        "{v:?}"
    );

    // A value wired from the generated password through a module output.
    let by_wiring = GOOD_TASK.replace(
        r#"{ name = "S3_BUCKET_NAME", value = var.bucket },"#,
        r#"{ name = "S3_BUCKET_NAME", value = var.bucket },
        { name = "PGPASS_FILE_CONTENT", value = var.pg },"#,
    );
    let root = TASK_ROOT.replace(
        r#"bucket             = "spymeo-uploads""#,
        "bucket = \"spymeo-uploads\"\n  pg = module.secrets.db_password",
    );
    let v = check_no_plaintext_secrets(&task_tree(&by_wiring, &root));
    assert!(
        v.iter()
            .any(|m| m.contains("computed from random_password.db")),
        "{v:?}"
    );
}

#[test]
fn a_task_definition_that_is_not_hcl_fails() {
    let heredoc = r#"
resource "aws_ecs_task_definition" "app" {
  family                = "spymeo"
  container_definitions = file("containers.json")
}
"#;
    let v = check_no_plaintext_secrets(&task_tree(heredoc, TASK_ROOT));
    assert!(v.iter().any(|m| m.contains("is not jsonencode")), "{v:?}");
}

#[test]
fn a_missing_or_literal_secret_reference_fails() {
    let missing = GOOD_TASK.replace(
        r#"        { name = "SMTP_URL", valueFrom = "${var.smtp_secret_arn}:SMTP_URL::" },
"#,
        "",
    );
    let v = check_secrets_from_arns(&task_tree(&missing, TASK_ROOT));
    assert!(
        v.iter()
            .any(|m| m.contains("SMTP_URL does not come through `secrets`")),
        "{v:?}"
    );

    let literal = GOOD_TASK.replace(
        "${var.db_secret_arn}:url::",
        "arn:aws:secretsmanager:eu-west-3:123456789012:secret:db-AbCdEf:url::",
    );
    let v = check_secrets_from_arns(&task_tree(&literal, TASK_ROOT));
    assert!(
        v.iter()
            .any(|m| m.contains("DATABASE_URL valueFrom is a literal")),
        "{v:?}"
    );

    // An SSM parameter (or anything else) wired in instead of the secrets module.
    let root = TASK_ROOT.replace(
        "smtp_secret_arn    = module.secrets.smtp_secret_arn",
        "smtp_secret_arn = aws_ssm_parameter.smtp.arn",
    );
    let v = check_secrets_from_arns(&task_tree(GOOD_TASK, &root));
    assert!(
        v.iter()
            .any(|m| m.contains("SMTP_URL valueFrom resolves to [\"aws_ssm_parameter.smtp.arn\"]")),
        "{v:?}"
    );
}

#[test]
fn a_public_unencrypted_or_unprotected_database_fails() {
    let db = |public: &str, encrypted: &str, protection: &str| {
        Tree::from_sources(&[(
            "modules/rds",
            &format!(
                r#"
resource "aws_db_instance" "this" {{
  publicly_accessible = {public}
  storage_encrypted   = {encrypted}
  deletion_protection = {protection}
}}
variable "public" {{
  default = true
}}
"#
            ),
        )])
    };
    assert_holds("rds", check_rds(&db("false", "true", "true")));
    let v = check_rds(&db("var.public", "true", "true"));
    assert!(
        v.iter()
            .any(|m| m.contains("publicly_accessible must be false")),
        "{v:?}"
    );
    let v = check_rds(&db("false", "false", "true"));
    assert!(
        v.iter()
            .any(|m| m.contains("storage_encrypted must be true")),
        "{v:?}"
    );
    let v = check_rds(&db("false", "true", "false"));
    assert!(
        v.iter()
            .any(|m| m.contains("deletion_protection must be true")),
        "{v:?}"
    );
}

#[test]
fn a_missing_alarm_or_one_without_sns_fails() {
    let alarm = |name: &str, namespace: &str, metric: &str, actions: &str| {
        format!(
            r#"
resource "aws_cloudwatch_metric_alarm" "{name}" {{
  namespace          = "{namespace}"
  metric_name        = "{metric}"
  extended_statistic = "p99"
  alarm_actions      = {actions}
}}
"#
        )
    };
    let all = |actions: &str, skip: &str| {
        let mut text = String::from("resource \"aws_sns_topic\" \"alarms\" {}\n");
        for (i, (namespace, metric, _)) in REQUIRED_ALARMS.iter().enumerate() {
            if *metric != skip {
                text.push_str(&alarm(&format!("a{i}"), namespace, metric, actions));
            }
        }
        Tree::from_sources(&[("modules/alarms", text.as_str())])
    };
    assert_holds(
        "alarms",
        check_alarms(&all("[aws_sns_topic.alarms.arn]", "")),
    );
    let v = check_alarms(&all("[aws_sns_topic.alarms.arn]", "FreeStorageSpace"));
    assert!(
        v.iter()
            .any(|m| m.contains("no alarm on AWS/RDS FreeStorageSpace")),
        "{v:?}"
    );
    let v = check_alarms(&all("[]", ""));
    assert!(
        v.iter()
            .any(|m| m.contains("alarm_actions must reference the SNS topic")),
        "{v:?}"
    );
    let v = check_alarms(&all(
        "[\"arn:aws:sns:eu-west-3:123456789012:somewhere\"]",
        "",
    ));
    assert!(
        v.iter()
            .any(|m| m.contains("alarm_actions must reference the SNS topic")),
        "{v:?}"
    );
}

#[test]
fn a_service_without_circuit_breaker_or_a_short_stop_timeout_fails() {
    let service = r#"
resource "aws_ecs_service" "app" {
  health_check_grace_period_seconds = 120
  deployment_circuit_breaker {
    enable   = true
    rollback = false
  }
  network_configuration {
    assign_public_ip = true
  }
}
"#;
    let task = GOOD_TASK.replace("stopTimeout = 40", "stopTimeout = var.stop");
    let tree = Tree::from_sources(&[(
        "modules/ecs",
        &format!("{service}\n{task}\nvariable \"stop\" {{\n  default = 20\n}}\n"),
    )]);
    let v = check_service_and_alb(&tree);
    assert!(
        v.iter()
            .any(|m| m.contains("circuit breaker with rollback")),
        "{v:?}"
    );
    assert!(v.iter().any(|m| m.contains("public IP")), "{v:?}");
    assert!(
        v.iter().any(|m| m.contains("stopTimeout must exceed 25 s")),
        "{v:?}"
    );
}

#[test]
fn helpers_understand_urls_and_paths() {
    assert!(credential_like_value("smtp://user:pass@smtp.example:587")); // pragma: allowlist secret
    assert!(credential_like_value("AKIAABCDEFGHIJKLMNOP")); // pragma: allowlist secret
    assert!(!credential_like_value("https://spymeo.fr"));
    assert!(!credential_like_value("SPYMEO <no-reply@spymeo.fr>"));
    assert!(secret_like_name("AWS_SECRET_ACCESS_KEY"));
    assert!(!secret_like_name("SHUTDOWN_GRACE_SECS"));
    assert_eq!(
        join_dir("environments/production", "../../modules/ecs"),
        "modules/ecs"
    );
}

/// Keeps the `TemplateExpr` import honest: a heredoc is a template too.
#[test]
fn heredoc_templates_are_read() {
    let expr = Expression::TemplateExpr(Box::new(TemplateExpr::QuotedString("${var.a}:x".into())));
    assert_eq!(references(&expr), vec!["var.a".to_owned()]);
    assert_eq!(leading_literal(&expr).as_deref(), Some(""));
}
