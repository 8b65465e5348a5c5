//! Finds the mock modules of an old Next.js source tree — by path (`src/lib/mockdb/*.ts`,
//! `src/lib/db/mock*.ts`, `src/components/*/mock.ts`) and by content (a top-level array of
//! records named like a mock) — and says, for each, what it holds, who imports it, where it
//! goes and whether it can be imported.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::mapping::Mapping;
use super::parse::{Body, Module, Problem, parse_module};
use super::records::convert;
use crate::{Error, Result};

/// Directories that never hold the application's own sources.
const SKIP_DIRS: &[&str] = &[
    "node_modules",
    ".git",
    ".next",
    "dist",
    "build",
    "out",
    "coverage",
];

/// A source file of the tree, parsed.
pub struct Source {
    /// Path relative to the tree root, with `/`.
    pub rel: String,
    pub module: Module,
    pub is_mock: bool,
}

impl Source {
    pub fn file_name(&self) -> &str {
        self.rel.rsplit('/').next().unwrap_or(&self.rel)
    }
}

/// Reads and parses every `.ts`/`.tsx` file of the tree (declaration files excepted).
pub fn scan(root: &Path, now: DateTime<Utc>) -> Result<Vec<Source>> {
    if !root.is_dir() {
        return Err(Error::validation(format!(
            "{} n'est pas un dossier",
            root.display()
        )));
    }
    let mut files = Vec::new();
    walk(root, &mut files)?;
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let rel = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Error::validation(format!("{rel} illisible : {e}")))?;
        let module = parse_module(&text, rel.ends_with(".tsx"), now);
        let is_mock = mock_by_path(&rel) || mock_by_content(&module);
        out.push(Source {
            rel,
            module,
            is_mock,
        });
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Error::validation(format!("{} illisible : {e}", dir.display())))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            if !SKIP_DIRS.contains(&name.as_str()) {
                walk(&path, out)?;
            }
        } else if (name.ends_with(".ts") || name.ends_with(".tsx")) && !name.ends_with(".d.ts") {
            out.push(path);
        }
    }
    Ok(())
}

fn mock_by_path(rel: &str) -> bool {
    let parts: Vec<&str> = rel.split('/').collect();
    let name = parts.last().copied().unwrap_or_default();
    let dir = &parts[..parts.len().saturating_sub(1)];
    let under =
        |prefix: &[&str]| dir.len() >= prefix.len() && dir[dir.len() - prefix.len()..] == *prefix;
    (under(&["lib", "mockdb"]) && name.ends_with(".ts"))
        || (under(&["lib", "db"]) && name.starts_with("mock"))
        || (dir.len() >= 2 && dir[dir.len() - 2] == "components" && name == "mock.ts")
        || dir.iter().any(|d| *d == "__mocks__" || *d == "mocks")
}

/// A top-level array of objects whose name says it is sample data.
fn mock_by_content(m: &Module) -> bool {
    m.decls.iter().any(|d| {
        let n = d.name.to_lowercase();
        let named =
            n.contains("mock") || n.contains("fake") || n.contains("seed") || n.contains("demo");
        named && matches!(&d.body, Body::Array(items) if !items.is_empty())
    })
}

/// What the inventory says about one data declaration of a mock module.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub file: String,
    pub array: String,
    pub type_name: Option<String>,
    pub records: usize,
    pub fields: Vec<String>,
    pub pages: Vec<String>,
    pub api_routes: Vec<String>,
    pub imported_by: Vec<String>,
    pub tables: Vec<String>,
    pub phase: Option<u8>,
    pub importable: bool,
    /// Why not, or what to watch (records that do not evaluate).
    pub note: Option<String>,
    pub problems: Vec<Problem>,
}

/// The mapping of a declaration of a file, if any.
pub fn mapping_for<'m>(
    mappings: &'m [Mapping],
    file_name: &str,
    array: &str,
    first_data_decl: bool,
) -> Option<&'m Mapping> {
    mappings.iter().find(|m| {
        m.matches(file_name)
            && match &m.array {
                Some(a) => a == array,
                None => first_data_decl,
            }
    })
}

/// The inventory of a scanned tree.
pub fn inventory(sources: &[Source], mappings: &[Mapping]) -> Vec<Entry> {
    let users = importers(sources);
    let mut out = Vec::new();
    for s in sources.iter().filter(|s| s.is_mock) {
        let (pages, api_routes, imported_by) = users.get(&s.rel).cloned().unwrap_or_default();
        let pages: Vec<String> = pages.into_iter().collect();
        let api_routes: Vec<String> = api_routes.into_iter().collect();
        let imported_by: Vec<String> = imported_by.into_iter().collect();
        if !s.module.syntax_errors.is_empty() {
            out.push(Entry {
                file: s.rel.clone(),
                array: String::new(),
                type_name: None,
                records: 0,
                fields: Vec::new(),
                pages,
                api_routes,
                imported_by,
                tables: Vec::new(),
                phase: None,
                importable: false,
                note: Some("erreur de syntaxe : module illisible".into()),
                problems: s.module.syntax_errors.clone(),
            });
            continue;
        }
        for (i, d) in s.module.data_decls().enumerate() {
            let mapping = mapping_for(mappings, s.file_name(), &d.name, i == 0);
            let mut problems: Vec<Problem> = match &d.body {
                Body::Other(p) => vec![p.clone()],
                _ => d
                    .items()
                    .iter()
                    .filter_map(|i| i.value.as_ref().err().cloned())
                    .collect(),
            };
            // Records that evaluate but do not fit the mapping (unknown or missing fields,
            // bad units) are found without a database.
            if let Some(m) = mapping.filter(|m| m.skip.is_none()) {
                for (n, item) in d.items().iter().enumerate() {
                    if let Ok(v) = &item.value
                        && let Err(p) = convert(m, s.file_name(), n, v, Some(uuid::Uuid::nil()))
                    {
                        problems.push(p);
                    }
                }
            }
            let (importable, note) = match mapping {
                None => (
                    false,
                    Some("aucune correspondance : ajoutez-en une (--mapping)".to_owned()),
                ),
                Some(m) if m.skip.is_some() => (false, m.skip.clone()),
                Some(_) if matches!(d.body, Body::Other(_)) => (
                    false,
                    Some("pas un littéral : rien à lire sans exécuter le code".to_owned()),
                ),
                Some(_) if !problems.is_empty() => (
                    true,
                    Some(format!("{} enregistrement(s) invalide(s)", problems.len())),
                ),
                Some(_) => (true, None),
            };
            out.push(Entry {
                file: s.rel.clone(),
                array: d.name.clone(),
                type_name: d.type_name.clone(),
                records: d.items().len(),
                fields: d.fields(),
                pages: pages.clone(),
                api_routes: api_routes.clone(),
                imported_by: imported_by.clone(),
                tables: mapping.map(Mapping::target_tables).unwrap_or_default(),
                phase: mapping.map(|m| m.phase),
                importable,
                note,
                problems,
            });
        }
    }
    out
}

type Users = (BTreeSet<String>, BTreeSet<String>, BTreeSet<String>);

/// For each module: the pages and API routes that reach it through imports (directly or via
/// components), and its direct importers.
fn importers(sources: &[Source]) -> HashMap<String, Users> {
    let known: BTreeSet<&str> = sources.iter().map(|s| s.rel.as_str()).collect();
    // reverse edges: module → files importing it
    let mut rev: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for s in sources {
        for spec in &s.module.imports {
            if let Some(target) = resolve(&s.rel, spec, &known) {
                rev.entry(target).or_default().insert(&s.rel);
            }
        }
    }
    let mut out = HashMap::new();
    for s in sources.iter().filter(|s| s.is_mock) {
        let direct: BTreeSet<String> = rev
            .get(s.rel.as_str())
            .map(|set| set.iter().map(|x| x.to_string()).collect())
            .unwrap_or_default();
        let mut pages = BTreeSet::new();
        let mut routes = BTreeSet::new();
        let mut seen = BTreeSet::new();
        let mut queue: VecDeque<&str> = VecDeque::from([s.rel.as_str()]);
        while let Some(cur) = queue.pop_front() {
            for user in rev.get(cur).into_iter().flatten() {
                if !seen.insert(*user) {
                    continue;
                }
                match route_of(user) {
                    Some(Route::Page(p)) => {
                        pages.insert(p);
                    }
                    Some(Route::Api(p)) => {
                        routes.insert(p);
                    }
                    None => {}
                }
                queue.push_back(user);
            }
        }
        out.insert(s.rel.clone(), (pages, routes, direct));
    }
    out
}

/// `(pro)` folders group routes without appearing in the URL.
fn is_route_group_or_empty(segment: &str) -> bool {
    segment.is_empty() || (segment.starts_with('(') && segment.ends_with(')'))
}

/// `@/lib/mockdb/clients` or `../lib/mockdb/clients` from `from` → a file of the tree.
fn resolve<'k>(from: &str, spec: &str, known: &BTreeSet<&'k str>) -> Option<&'k str> {
    let base: Vec<&str> = if let Some(rest) = spec.strip_prefix("@/") {
        let root = if known.iter().any(|k| k.starts_with("src/")) {
            "src/"
        } else {
            ""
        };
        return lookup(&format!("{root}{rest}"), known);
    } else if spec.starts_with('.') {
        let mut parts: Vec<&str> = from.split('/').collect();
        parts.pop();
        parts
    } else {
        return None;
    };
    let mut parts = base;
    for seg in spec.split('/') {
        match seg {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    lookup(&parts.join("/"), known)
}

fn lookup<'k>(path: &str, known: &BTreeSet<&'k str>) -> Option<&'k str> {
    let path = path.trim_end_matches(".js");
    [
        path.to_owned(),
        format!("{path}.ts"),
        format!("{path}.tsx"),
        format!("{path}/index.ts"),
        format!("{path}/index.tsx"),
    ]
    .iter()
    .find_map(|c| known.get(c.as_str()).copied())
}

enum Route {
    Page(String),
    Api(String),
}

/// The URL of an App Router page or route handler, or of a Pages Router file.
fn route_of(rel: &str) -> Option<Route> {
    let rel = rel.strip_prefix("src/").unwrap_or(rel);
    if let Some(rest) = rel.strip_prefix("app/") {
        let (dir, file) = rest.rsplit_once('/').unwrap_or(("", rest));
        let url = format!(
            "/{}",
            dir.split('/')
                .filter(|s| !is_route_group_or_empty(s))
                .collect::<Vec<_>>()
                .join("/")
        );
        return match file {
            "page.tsx" | "page.ts" => Some(if url.starts_with("/api/") || url == "/api" {
                Route::Api(url)
            } else {
                Route::Page(url)
            }),
            "route.ts" | "route.tsx" => Some(Route::Api(url)),
            _ => None,
        };
    }
    let rest = rel.strip_prefix("pages/")?;
    let stem = rest.trim_end_matches(".tsx").trim_end_matches(".ts");
    let stem = stem
        .strip_suffix("/index")
        .or(if stem == "index" { Some("") } else { None })
        .unwrap_or(stem);
    if stem.starts_with('_') {
        return None;
    }
    let url = format!("/{stem}");
    Some(if stem.starts_with("api/") {
        Route::Api(url)
    } else {
        Route::Page(url)
    })
}

/// The inventory as a Markdown document, grouped by migration phase.
pub fn markdown(entries: &[Entry]) -> String {
    let phases = [
        (Some(1), "Phase 1 — utilisateurs et comptes"),
        (Some(2), "Phase 2 — praticiens"),
        (Some(3), "Phase 3 — artisans"),
        (Some(4), "Phase 4 — commerçants"),
        (Some(5), "Phase 5 — PASS et messagerie"),
        (None, "Sans correspondance"),
    ];
    let mut out = String::from("# Inventaire des données fictives (mocks)\n\n");
    let importable = entries.iter().filter(|e| e.importable).count();
    out.push_str(&format!(
        "{} tableau(x) dans {} fichier(s), {} enregistrement(s) ; {importable} importable(s).\n",
        entries.len(),
        entries
            .iter()
            .map(|e| &e.file)
            .collect::<BTreeSet<_>>()
            .len(),
        entries.iter().map(|e| e.records).sum::<usize>(),
    ));
    for (phase, title) in phases {
        let rows: Vec<&Entry> = entries.iter().filter(|e| e.phase == phase).collect();
        if rows.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "\n## {title}\n\n| Fichier | Tableau | Type | Enreg. | Tables | Pages et routes | Importable |\n|---|---|---|---|---|---|---|\n"
        ));
        for e in rows {
            let users: Vec<String> = e
                .pages
                .iter()
                .chain(&e.api_routes)
                .map(|p| format!("`{p}`"))
                .collect();
            out.push_str(&format!(
                "| `{}` | `{}` | {} | {} | {} | {} | {} |\n",
                e.file,
                e.array,
                e.type_name.as_deref().unwrap_or("—"),
                e.records,
                if e.tables.is_empty() {
                    "—".to_owned()
                } else {
                    e.tables.join(", ")
                },
                if users.is_empty() {
                    "—".to_owned()
                } else {
                    users.join(" ")
                },
                match (&e.importable, &e.note) {
                    (true, None) => "oui".to_owned(),
                    (true, Some(n)) => format!("oui ({n})"),
                    (false, Some(n)) => format!("non : {n}"),
                    (false, None) => "non".to_owned(),
                }
                .replace('|', "\\|"),
            ));
        }
    }
    out.push_str("\n## Champs par tableau\n\n");
    for e in entries.iter().filter(|e| !e.fields.is_empty()) {
        out.push_str(&format!(
            "- `{}` · `{}` : {}\n",
            e.file,
            e.array,
            e.fields.join(", ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_and_paths() {
        assert!(
            matches!(route_of("src/app/(pro)/pro/clients/page.tsx"), Some(Route::Page(p)) if p == "/pro/clients")
        );
        assert!(
            matches!(route_of("src/app/api/clients/route.ts"), Some(Route::Api(p)) if p == "/api/clients")
        );
        assert!(matches!(route_of("src/app/page.tsx"), Some(Route::Page(p)) if p == "/"));
        assert!(
            matches!(route_of("src/pages/api/stock.ts"), Some(Route::Api(p)) if p == "/api/stock")
        );
        assert!(route_of("src/components/x.tsx").is_none());
        assert!(mock_by_path("src/lib/mockdb/clients.ts"));
        assert!(mock_by_path("src/lib/db/mockPass.ts"));
        assert!(mock_by_path("src/components/agenda/mock.ts"));
        assert!(!mock_by_path("src/lib/db/prisma.ts"));
        let known: BTreeSet<&str> = ["src/lib/mockdb/clients.ts", "src/app/pro/page.tsx"]
            .into_iter()
            .collect();
        assert_eq!(
            resolve("src/app/pro/page.tsx", "@/lib/mockdb/clients", &known),
            Some("src/lib/mockdb/clients.ts")
        );
        assert_eq!(
            resolve("src/app/pro/page.tsx", "../../lib/mockdb/clients", &known),
            Some("src/lib/mockdb/clients.ts")
        );
        assert_eq!(resolve("src/app/pro/page.tsx", "react", &known), None);
    }
}
