//! Invariants of the `Dockerfile`, checked on its parsed instructions.
//!
//! No Docker engine runs on these machines, so the image cannot be built here: hadolint and
//! checkov lint the file (scripts/check-delivery), and these tests pin what the audit found
//! missing or what a careless edit would break: dependencies cooked by cargo-chef apart from
//! the source, `--locked` builds, a runtime stage holding the binary alone, a non-root user,
//! the liveness HEALTHCHECK, and migrations at container start. Each rule is a function
//! returning its violations, so the tests at the bottom prove it fails on a broken file.

use std::path::Path;

/// One instruction: `FROM`, `RUN`…, with its arguments (continuation lines joined).
#[derive(Debug, Clone, PartialEq)]
struct Instruction {
    keyword: String,
    args: String,
}

/// A build stage: its `FROM` arguments and the instructions after it.
#[derive(Debug)]
struct Stage {
    from: String,
    instructions: Vec<Instruction>,
}

impl Stage {
    fn name(&self) -> Option<&str> {
        let words: Vec<&str> = self.from.split_whitespace().collect();
        match words.as_slice() {
            [.., as_kw, name] if as_kw.eq_ignore_ascii_case("as") => Some(name),
            _ => None,
        }
    }

    fn all(&self, keyword: &str) -> impl Iterator<Item = &Instruction> {
        self.instructions
            .iter()
            .filter(move |i| i.keyword == keyword)
    }

    fn last(&self, keyword: &str) -> Option<&Instruction> {
        self.all(keyword).last()
    }
}

/// Parser directives and comments are dropped; a trailing `\` joins the next line.
fn parse(source: &str) -> Vec<Stage> {
    let mut logical = Vec::new();
    let mut current = String::new();
    for line in source.lines() {
        let trimmed = line.trim();
        if current.is_empty() && (trimmed.is_empty() || trimmed.starts_with('#')) {
            continue;
        }
        if let Some(head) = trimmed.strip_suffix('\\') {
            current.push_str(head);
            current.push(' ');
        } else {
            current.push_str(trimmed);
            logical.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        logical.push(current);
    }
    let mut stages: Vec<Stage> = Vec::new();
    for line in logical {
        let (keyword, args) = line.split_once(char::is_whitespace).unwrap_or((&line, ""));
        let instruction = Instruction {
            keyword: keyword.to_ascii_uppercase(),
            args: args.split_whitespace().collect::<Vec<_>>().join(" "),
        };
        if instruction.keyword == "FROM" {
            stages.push(Stage {
                from: instruction.args,
                instructions: Vec::new(),
            });
        } else if let Some(stage) = stages.last_mut() {
            stage.instructions.push(instruction);
        }
    }
    stages
}

type Violations = Vec<String>;

fn check_build(stages: &[Stage]) -> Violations {
    let mut v = Violations::new();
    let runs: Vec<&Instruction> = stages.iter().flat_map(|s| s.all("RUN")).collect();
    let cook = runs.iter().position(|r| r.args.contains("cargo chef cook"));
    let build = runs.iter().position(|r| r.args.contains("cargo build"));
    match (cook, build) {
        (Some(c), Some(b)) if c < b => {}
        _ => v.push("dependencies must be cooked by cargo-chef before `cargo build`".into()),
    }
    for r in &runs {
        if (r.args.contains("cargo build") || r.args.contains("cargo chef cook"))
            && !r.args.contains("--locked")
        {
            v.push(format!("`{}` builds without --locked", r.args));
        }
    }
    // The source must arrive after the cook, or every source change re-cooks the deps.
    if let Some(builder) = stages
        .iter()
        .find(|s| s.all("RUN").any(|r| r.args.contains("cargo chef cook")))
    {
        let cook_at = builder
            .instructions
            .iter()
            .position(|i| i.keyword == "RUN" && i.args.contains("cargo chef cook"));
        let first_full_copy = builder
            .instructions
            .iter()
            .position(|i| i.keyword == "COPY" && i.args == ". .");
        if let (Some(c), Some(copy)) = (cook_at, first_full_copy)
            && copy < c
        {
            v.push("the builder copies the whole source before cooking the dependencies".into());
        }
    }
    for s in stages {
        let image = s.from.split_whitespace().next().unwrap_or("");
        if !image.contains("@sha256:") && !stages.iter().any(|o| o.name() == Some(image)) {
            v.push(format!("base image `{image}` is not pinned by digest"));
        }
    }
    v
}

fn check_runtime(stages: &[Stage]) -> Violations {
    let mut v = Violations::new();
    let Some(runtime) = stages.last() else {
        return vec!["no stage".into()];
    };
    let image = runtime.from.split_whitespace().next().unwrap_or("");
    if !(image.contains("distroless") || image.contains("-slim")) {
        v.push(format!(
            "runtime image `{image}` is not a small base (distroless or slim)"
        ));
    }
    for copy in runtime.all("COPY") {
        if !copy.args.starts_with("--from=") || !copy.args.ends_with("/usr/local/bin/spymeo") {
            v.push(format!(
                "the runtime stage copies more than the binary: COPY {}",
                copy.args
            ));
        }
    }
    if runtime.all("COPY").count() != 1 {
        v.push("the runtime stage must copy exactly one file, the spymeo binary".into());
    }
    match runtime.last("USER") {
        None => v.push("the runtime stage runs as root (no USER)".into()),
        Some(u) => {
            let user = u.args.split(':').next().unwrap_or("");
            if user == "0" || user == "root" || user.is_empty() {
                v.push(format!("USER {} is root", u.args));
            }
        }
    }
    let healthcheck = runtime
        .last("HEALTHCHECK")
        .map(|h| h.args.as_str())
        .unwrap_or("");
    if !healthcheck.ends_with(r#"CMD ["spymeo", "healthcheck"]"#) {
        v.push(format!(
            "HEALTHCHECK must be the liveness command, found `{healthcheck}`"
        ));
    }
    if runtime.last("ENTRYPOINT").map(|e| e.args.as_str()) != Some(r#"["spymeo"]"#) {
        v.push(r#"ENTRYPOINT must be ["spymeo"]"#.into());
    }
    if runtime.last("CMD").map(|c| c.args.as_str()) != Some(r#"["serve", "--migrate"]"#) {
        v.push(r#"CMD must be ["serve", "--migrate"] (migrations at container start)"#.into());
    }
    v
}

fn repository_dockerfile() -> Vec<Stage> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Dockerfile");
    parse(&std::fs::read_to_string(path).expect("Dockerfile"))
}

fn assert_holds(rule: &str, violations: Violations) {
    assert!(
        violations.is_empty(),
        "{rule}:\n  {}",
        violations.join("\n  ")
    );
}

#[test]
fn the_image_is_built_locked_with_cached_dependencies() {
    assert_holds("build", check_build(&repository_dockerfile()));
}

#[test]
fn the_runtime_image_holds_the_binary_alone_as_non_root() {
    assert_holds("runtime", check_runtime(&repository_dockerfile()));
}

#[test]
fn dockerignore_keeps_secrets_and_build_output_out_of_the_context() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.dockerignore");
    let ignore = std::fs::read_to_string(path).expect(".dockerignore");
    let lines: Vec<&str> = ignore.lines().map(str::trim).collect();
    for must in ["target/", ".env", ".git/", ".spymeo/"] {
        assert!(lines.contains(&must), ".dockerignore lacks {must}");
    }
}

// ------------------------------------------------------------------------------------------
// The rules fail when their invariant is broken.

const GOOD: &str = r#"
# syntax=docker/dockerfile:1
FROM rust:1-slim@sha256:aaaa AS chef
RUN cargo install cargo-chef --locked
FROM chef AS builder
COPY recipe.json recipe.json
RUN cargo chef cook --release --locked --recipe-path recipe.json
COPY . .
RUN cargo build --release --locked -p spymeo-cli \
    && install -D target/release/spymeo /out/spymeo
FROM gcr.io/distroless/cc-debian12:nonroot@sha256:bbbb
COPY --from=builder /out/spymeo /usr/local/bin/spymeo
USER 65532:65532
HEALTHCHECK --interval=15s CMD ["spymeo", "healthcheck"]
ENTRYPOINT ["spymeo"]
CMD ["serve", "--migrate"]
"#;

#[test]
fn the_good_snippet_passes() {
    let stages = parse(GOOD);
    assert_eq!(stages.len(), 3);
    assert_holds("build", check_build(&stages));
    assert_holds("runtime", check_runtime(&stages));
}

#[test]
fn a_root_user_or_a_missing_user_fails() {
    let root = GOOD.replace("USER 65532:65532", "USER root");
    assert!(!check_runtime(&parse(&root)).is_empty());
    let none = GOOD.replace("USER 65532:65532\n", "");
    assert!(!check_runtime(&parse(&none)).is_empty());
}

#[test]
fn a_healthcheck_on_the_database_or_no_migration_fails() {
    let curl = GOOD.replace(
        r#"CMD ["spymeo", "healthcheck"]"#,
        r#"CMD ["curl", "-f", "http://localhost:3000/api/health"]"#,
    );
    assert!(!check_runtime(&parse(&curl)).is_empty());
    let no_migrate = GOOD.replace(r#"CMD ["serve", "--migrate"]"#, r#"CMD ["serve"]"#);
    assert!(!check_runtime(&parse(&no_migrate)).is_empty());
}

#[test]
fn an_unlocked_build_or_source_before_cook_fails() {
    let unlocked = GOOD.replace("cargo build --release --locked", "cargo build --release");
    assert!(!check_build(&parse(&unlocked)).is_empty());
    let early_copy = GOOD.replace(
        "COPY recipe.json recipe.json\n",
        "COPY recipe.json recipe.json\nCOPY . .\n",
    );
    assert!(!check_build(&parse(&early_copy)).is_empty());
    let unpinned = GOOD.replace("rust:1-slim@sha256:aaaa", "rust:1-slim");
    assert!(!check_build(&parse(&unpinned)).is_empty());
}

#[test]
fn a_runtime_with_the_source_tree_or_a_fat_base_fails() {
    let fat = GOOD.replace(
        "COPY --from=builder /out/spymeo /usr/local/bin/spymeo",
        "COPY --from=builder /out/spymeo /usr/local/bin/spymeo\nCOPY . /app",
    );
    assert!(!check_runtime(&parse(&fat)).is_empty());
    let base = GOOD.replace(
        "gcr.io/distroless/cc-debian12:nonroot@sha256:bbbb",
        "rust:1@sha256:cc",
    );
    assert!(!check_runtime(&parse(&base)).is_empty());
}
