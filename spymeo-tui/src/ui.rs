//! Drawing: a pure function of the state (its clock included), so a frame is a snapshot.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{
    Block, Borders, Cell, Clear, HighlightSpacing, Paragraph, Row, Table, TableState, Wrap,
};

use crate::rows::{self, Tone, age, clock};
use crate::state::{Mode, Source, State, View};

pub fn draw(frame: &mut Frame, state: &State) {
    let banner = banner(state);
    let [header, tabs, banner_area, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(u16::from(banner.is_some())),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    draw_header(frame, state, header);
    draw_tabs(frame, state, tabs);
    if let Some(b) = banner {
        frame.render_widget(Paragraph::new(b).style(tone(state, Tone::Bad)), banner_area);
    }
    draw_body(frame, state, body);
    draw_footer(frame, state, footer);
    match &state.mode {
        Mode::Help => draw_help(frame, state),
        Mode::Confirm(p) => draw_confirm(frame, state, p),
        _ => {}
    }
}

fn tone(state: &State, t: Tone) -> Style {
    if !state.config.color {
        return match t {
            Tone::Bad => Style::new().add_modifier(Modifier::BOLD),
            Tone::Dim => Style::new().add_modifier(Modifier::DIM),
            _ => Style::new(),
        };
    }
    match t {
        Tone::Normal => Style::new(),
        Tone::Good => Style::new().fg(Color::Green),
        Tone::Warn => Style::new().fg(Color::Yellow),
        Tone::Bad => Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        Tone::Dim => Style::new().fg(Color::DarkGray),
    }
}

/// One line across the top when the operator must know now: AWS down, alarms firing.
fn banner(state: &State) -> Option<String> {
    if let Some(e) = state.aws_down() {
        let since = state
            .services
            .at
            .map(|t| format!("données d'il y a {}", age(state.now, t)))
            .unwrap_or_else(|| "aucune donnée encore".into());
        let what = if looks_like_credentials(e) {
            "identifiants AWS manquants ou refusés"
        } else {
            "AWS injoignable"
        };
        return Some(format!("! {what} ({since}) : {e}"));
    }
    let firing = state.alarms_in_alarm();
    (firing > 0).then(|| {
        format!(
            "! {firing} alarme{} en ALARM (5 : Alarmes)",
            if firing > 1 { "s" } else { "" }
        )
    })
}

fn looks_like_credentials(e: &str) -> bool {
    let e = e.to_lowercase();
    [
        "credential",
        "unrecognizedclient",
        "invalidclienttokenid",
        "expiredtoken",
        "accessdenied",
        "signature",
    ]
    .iter()
    .any(|k| e.contains(k))
}

fn draw_header(frame: &mut Frame, state: &State, area: Rect) {
    let c = &state.config;
    let wide = area.width >= 100;
    let sep = if wide { " · " } else { " " };
    let mut left = format!(" SPYMEO{sep}{}/{}", c.cluster, state.focus);
    if let Some(r) = &c.region {
        left.push_str(&format!("{sep}{r}"));
    }
    if let Some(p) = &c.profile {
        left.push_str(&format!("{sep}{}{p}", if wide { "profil " } else { "" }));
    }
    if c.allow_actions {
        left.push_str(&format!("{sep}ACTIONS"));
    }
    let refreshed = match state.last_refresh {
        Some(t) if wide => format!("actualisé {} (il y a {})", clock(t), age(state.now, t)),
        Some(t) => format!("{} ({})", clock(t), age(state.now, t)),
        None => "jamais actualisé".into(),
    };
    let right = format!(
        "{}{refreshed} · auto {} s ",
        if state.refreshing { "… " } else { "" },
        c.refresh.as_secs()
    );
    let [l, r] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(right.chars().count() as u16),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(left).style(Style::new().add_modifier(Modifier::BOLD)),
        l,
    );
    frame.render_widget(Paragraph::new(right), r);
}

fn draw_tabs(frame: &mut Frame, state: &State, area: Rect) {
    let wide = area.width >= 100;
    let mut spans = vec![Span::raw(" ")];
    for (i, v) in View::ALL.iter().enumerate() {
        let name = if wide {
            v.title()
        } else {
            match v {
                View::Overview => "Vue",
                View::Deployments => "Déploiements",
                View::Tasks => "Tâches",
                View::Targets => "Cibles",
                View::Alarms => "Alarmes",
                View::Logs => "Logs",
                View::Platform => "Plateforme",
            }
        };
        let label = format!("{}:{name}", i + 1);
        let style = if *v == state.view {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else {
            Style::new()
        };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_footer(frame: &mut Frame, state: &State, area: Rect) {
    let line = match &state.mode {
        Mode::Filter(f) => format!(" /{f}_   (entrée : appliquer · échap : annuler)"),
        _ => match &state.message {
            Some((at, m)) => format!(" {} {m}", clock(*at)),
            None => {
                let mut keys =
                    " ↑↓/jk naviguer · ⏎ détail · esc retour · / filtre · r actualiser · ? aide · q quitter"
                        .to_owned();
                if state.config.allow_actions {
                    keys.push_str(" · D redéployer · B retour arrière");
                }
                keys
            }
        },
    };
    frame.render_widget(
        Paragraph::new(line).style(Style::new().add_modifier(Modifier::DIM)),
        area,
    );
}

/// " il y a 3 s" or the source's error, for block titles and warning lines.
fn freshness<T>(state: &State, s: &Source<T>) -> String {
    match s.at {
        Some(t) => format!("il y a {}", age(state.now, t)),
        None if state.refreshing => "chargement…".into(),
        None => "aucune donnée".into(),
    }
}

fn source_warning<T>(state: &State, s: &Source<T>) -> Option<Line<'static>> {
    let e = s.error.as_ref()?;
    let kept = match s.at {
        Some(t) => format!(" — données d'il y a {}", age(state.now, t)),
        None => String::new(),
    };
    Some(Line::styled(format!("! {e}{kept}"), tone(state, Tone::Bad)))
}

fn draw_body(frame: &mut Frame, state: &State, area: Rect) {
    let (title, warning, fresh) = match state.view {
        View::Overview => (
            format!("Services du cluster {}", state.config.cluster),
            source_warning(state, &state.services),
            freshness(state, &state.services),
        ),
        View::Deployments => (
            format!("Déploiements de {}", state.focus),
            source_warning(state, &state.services),
            freshness(state, &state.services),
        ),
        View::Tasks => (
            format!("Tâches de {}", state.focus),
            source_warning(state, &state.tasks),
            freshness(state, &state.tasks),
        ),
        View::Targets => (
            format!("Cibles de {}", state.focus),
            source_warning(state, &state.target_groups),
            freshness(state, &state.target_groups),
        ),
        View::Alarms => (
            "Alarmes CloudWatch".to_owned(),
            source_warning(state, &state.alarms),
            freshness(state, &state.alarms),
        ),
        View::Logs => (
            match &state.logs.data {
                Some(t) => format!("Logs {}", t.group),
                None => format!("Logs de {}", state.focus),
            },
            source_warning(state, &state.logs),
            freshness(state, &state.logs),
        ),
        View::Platform => (
            match &state.config.app_url {
                Some(u) => format!("Plateforme {u}/api/health"),
                None => "Plateforme".to_owned(),
            },
            source_warning(state, &state.health),
            freshness(state, &state.health),
        ),
    };
    let filter = state.filter();
    let mut block_title = format!(" {title} · {fresh} ");
    if !filter.is_empty() {
        block_title.push_str(&format!("[filtre : {filter}] "));
    }
    let block = Block::default().borders(Borders::ALL).title(block_title);
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let mut top: Vec<Line> = Vec::new();
    if let Some(w) = warning {
        top.push(w);
    }
    top.extend(view_preamble(state));
    let table = rows::table(state, state.view);
    let detail: Vec<String> = if state.detail {
        rows::selected(state, state.view, table.rows.len())
            .and_then(|i| table.rows.get(i))
            .map(|r| r.detail.clone())
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let detail_height = if detail.is_empty() {
        0
    } else {
        (detail.len() as u16 + 2).min(inner.height / 2)
    };
    let extra = view_extra(state, inner.width);
    let extra_height = if detail.is_empty() && state.view != View::Platform {
        (extra.len() as u16).min(inner.height.saturating_sub(top.len() as u16 + 4) / 2)
    } else {
        0
    };
    let platform_json = if state.view == View::Platform {
        inner.height.saturating_sub(top.len() as u16) / 2
    } else {
        0
    };
    let [top_area, json_area, table_area, extra_area, detail_area] = Layout::vertical([
        Constraint::Length(top.len() as u16),
        Constraint::Length(platform_json),
        Constraint::Fill(1),
        Constraint::Length(extra_height),
        Constraint::Length(detail_height),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(top), top_area);
    if state.view == View::Platform {
        frame.render_widget(Paragraph::new(extra.clone()), json_area);
    }

    if table.rows.is_empty() {
        let empty = if !has_data(state) {
            if state.refreshing {
                "Chargement…".to_owned()
            } else {
                "Aucune donnée pour l'instant.".to_owned()
            }
        } else if state.filter().is_empty() {
            empty_text(state)
        } else {
            format!("Aucune ligne ne contient « {} ».", state.filter())
        };
        frame.render_widget(
            Paragraph::new(empty).style(tone(state, Tone::Dim)),
            table_area,
        );
    } else {
        let selected = rows::selected(state, state.view, table.rows.len());
        let header = Row::new(table.headers.iter().map(|h| Cell::from(*h)))
            .style(Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED));
        let body: Vec<Row> = table
            .rows
            .iter()
            .map(|r| {
                Row::new(r.cells.iter().map(|c| Cell::from(c.as_str()))).style(tone(state, r.tone))
            })
            .collect();
        let widget = Table::new(body, table.widths.clone())
            .header(header)
            .column_spacing(1)
            .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED))
            // A visible marker too: the selection must read without colours (NO_COLOR, snapshots).
            .highlight_symbol(">")
            .highlight_spacing(HighlightSpacing::Always);
        let mut ts = TableState::default().with_selected(selected);
        frame.render_stateful_widget(widget, table_area, &mut ts);
    }
    if extra_height > 0 {
        frame.render_widget(Paragraph::new(extra), extra_area);
    }
    if !detail.is_empty() {
        let text = Text::from(detail.into_iter().map(Line::from).collect::<Vec<_>>());
        frame.render_widget(
            Paragraph::new(text).wrap(Wrap { trim: false }).block(
                Block::default()
                    .borders(Borders::TOP)
                    .title(" Détail (esc pour fermer) "),
            ),
            detail_area,
        );
    }
}

fn has_data(state: &State) -> bool {
    match state.view {
        View::Overview | View::Deployments => state.services.data.is_some(),
        View::Tasks => state.tasks.data.is_some() || !state.tracked.is_empty(),
        View::Targets => state.target_groups.data.is_some(),
        View::Alarms => state.alarms.data.is_some(),
        View::Logs => state.logs.data.is_some(),
        View::Platform => state.config.app_url.is_none() || !state.health_history.is_empty(),
    }
}

fn empty_text(state: &State) -> String {
    match state.view {
        View::Overview => "Aucun service dans ce cluster.".into(),
        View::Deployments => format!("Service {} introuvable ou sans déploiement.", state.focus),
        View::Tasks => "Aucune tâche.".into(),
        View::Targets => "Aucune cible (service sans target group, ou aucune enregistrée).".into(),
        View::Alarms => "Aucune alarme.".into(),
        View::Logs => "Aucune ligne dans la fenêtre de 15 min.".into(),
        View::Platform => match state.config.app_url {
            Some(_) => "Pas encore de mesure.".into(),
            None => "Aucune URL : passez --app-url (ou APP_URL) pour suivre /api/health.".into(),
        },
    }
}

/// Lines above the table: what a view needs said before its rows.
fn view_preamble(state: &State) -> Vec<Line<'static>> {
    match state.view {
        View::Deployments => {
            let Some(s) = state.focused_service() else {
                return Vec::new();
            };
            let cb = match s.circuit_breaker {
                Some((true, true)) => "activé (retour arrière auto)".to_owned(),
                Some((true, false)) => "activé (sans retour arrière)".to_owned(),
                Some((false, _)) | None => "désactivé".to_owned(),
            };
            let failed = s
                .deployments
                .iter()
                .find(|d| d.rollout_state.as_deref() == Some("FAILED"));
            let mut lines = vec![Line::from(format!(
                "Disjoncteur {cb} · {}/{} tâches · {}",
                s.running,
                s.desired,
                spymeo_ops::model::short_task_definition(&s.task_definition)
            ))];
            if let Some(d) = failed {
                lines.push(Line::styled(
                    format!(
                        "Disjoncteur déclenché : {}",
                        d.rollout_reason.clone().unwrap_or_default()
                    ),
                    tone(state, Tone::Bad),
                ));
            }
            lines
        }
        View::Tasks => {
            let forgotten = state.tracked.iter().filter(|t| t.forgotten).count();
            if forgotten == 0 {
                Vec::new()
            } else {
                vec![Line::styled(
                    format!("{forgotten} tâche(s) oubliée(s) par ECS, gardée(s) ici"),
                    tone(state, Tone::Dim),
                )]
            }
        }
        View::Platform => match (&state.health.data, state.health_history.front()) {
            (_, Some(h)) => vec![Line::styled(
                format!(
                    "Dernière mesure {} : {}{}",
                    clock(h.at),
                    h.status,
                    h.latency_ms
                        .map(|l| format!(" en {l} ms"))
                        .unwrap_or_default()
                ),
                tone(
                    state,
                    match h.status.as_str() {
                        "healthy" => Tone::Good,
                        "degraded" => Tone::Warn,
                        _ => Tone::Bad,
                    },
                ),
            )],
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// Lines under the table (overview: alarms firing and the focused service's events;
/// platform: the JSON of the last answer).
fn view_extra(state: &State, width: u16) -> Vec<Line<'static>> {
    match state.view {
        View::Overview => {
            let mut lines = Vec::new();
            for a in state
                .alarms
                .data
                .iter()
                .flatten()
                .filter(|a| a.state == "ALARM")
            {
                lines.push(Line::styled(
                    format!(
                        "ALARM {} depuis {} : {}",
                        a.name,
                        a.since
                            .map(|t| age(state.now, t))
                            .unwrap_or_else(|| "?".into()),
                        a.reason.clone().unwrap_or_default()
                    ),
                    tone(state, Tone::Bad),
                ));
            }
            if let Some(s) = state.focused_service() {
                for e in s.events.iter().take(5) {
                    let mut m = format!(
                        "{} {}",
                        e.created_at.map(clock).unwrap_or_default(),
                        e.message
                    );
                    if m.chars().count() > width as usize {
                        m = m.chars().take(width as usize).collect();
                    }
                    lines.push(Line::from(m));
                }
            }
            lines
        }
        View::Platform => match &state.health.data {
            Some(h) => serde_json::to_string_pretty(&h.body)
                .unwrap_or_default()
                .lines()
                .map(|l| Line::from(l.to_owned()))
                .collect(),
            None => Vec::new(),
        },
        _ => Vec::new(),
    }
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

pub const HELP: &[(&str, &str)] = &[
    ("↑ ↓ / j k", "ligne précédente / suivante"),
    ("g / G", "première / dernière ligne"),
    ("⏎", "détail ; sur un service : ses déploiements"),
    ("esc", "fermer le détail, vue précédente"),
    ("1…7, tab", "vues : ensemble, déploiements, tâches,"),
    ("", "cibles, alarmes, logs, plateforme"),
    ("/", "filtrer la vue (logs : motif CloudWatch)"),
    ("r", "actualiser maintenant"),
    ("?", "cette aide"),
    ("q, ctrl-c", "quitter"),
];

fn draw_help(frame: &mut Frame, state: &State) {
    let mut lines: Vec<Line> = HELP
        .iter()
        .map(|(k, d)| Line::from(format!(" {k:<11}{d}")))
        .collect();
    lines.push(Line::from(""));
    if state.config.allow_actions {
        lines.push(Line::from(" D          redéploiement forcé (confirmation)"));
        lines.push(Line::from(" B          retour arrière (confirmation)"));
    } else {
        lines.push(Line::from(" Lecture seule (--allow-actions pour D/B)."));
    }
    lines.push(Line::from(format!(
        " Actualisation automatique toutes les {} s.",
        state.config.refresh.as_secs()
    )));
    let area = centered(frame.area(), 60, lines.len() as u16 + 2);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(" Aide ")),
        area,
    );
}

fn draw_confirm(frame: &mut Frame, state: &State, p: &crate::state::Pending) {
    let lines = vec![
        Line::styled(
            format!(" {} de {}", p.op.label(), p.service),
            tone(state, Tone::Bad),
        ),
        Line::from(format!(" {}", p.summary)),
        Line::from(""),
        Line::from(format!(
            " Tapez « {} » puis entrée (échap : annuler)",
            p.service
        )),
        Line::from(format!(" > {}_", p.typed)),
    ];
    let area = centered(frame.area(), 70, lines.len() as u16 + 2);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" Confirmation "),
        ),
        area,
    );
}
