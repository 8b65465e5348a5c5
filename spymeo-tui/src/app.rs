//! The runtime: a terminal, a key reader, a one-second clock, and the effects of `update`
//! carried out as tasks whose results come back as actions. Nothing here decides anything.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::Utc;
use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{self, Event, KeyEvent};
use spymeo_ops::aws::Clients;
use spymeo_ops::console::{self, Snapshot};
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use crate::operations::{self, Target};
use crate::state::{Config, State};
use crate::update::{Action, Effect, FetchRequest, update};
use crate::{keys, ui};

/// What the console reads from and acts on.
#[derive(Debug, Clone)]
pub struct Backend {
    pub clients: Clients,
    pub http: reqwest::Client,
    /// The console's reads; the service and the log filter change with the state.
    pub request: console::Request,
    pub target: Target,
}

/// A refresh that takes longer than this shows as failed (the last data stays).
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(20);

enum Input {
    Key(KeyEvent),
    Redraw,
    Action(Action),
}

/// Runs the console until `q`; the terminal is restored on every way out (panics included,
/// through ratatui's hook).
pub async fn run(config: Config, backend: Backend) -> io::Result<()> {
    let mut terminal = ratatui::init();
    let result = event_loop(&mut terminal, config, Arc::new(backend)).await;
    ratatui::restore();
    result
}

async fn event_loop(
    terminal: &mut DefaultTerminal,
    config: Config,
    backend: Arc<Backend>,
) -> io::Result<()> {
    let (tx, mut rx) = unbounded_channel::<Input>();
    let stop = Arc::new(AtomicBool::new(false));
    let reader = {
        let (tx, stop) = (tx.clone(), stop.clone());
        // crossterm's reads block: they get a thread of their own.
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                match event::poll(Duration::from_millis(100)) {
                    Ok(true) => {}
                    Ok(false) => continue,
                    Err(_) => break,
                }
                let input = match event::read() {
                    Ok(Event::Key(k)) => Input::Key(k),
                    Ok(_) => Input::Redraw,
                    Err(_) => break,
                };
                if tx.send(input).is_err() {
                    break;
                }
            }
        })
    };
    let mut state = State::new(config, Utc::now());
    let mut ticker = tokio::time::interval(Duration::from_secs(1));
    let result = loop {
        if let Err(e) = terminal.draw(|f| ui::draw(f, &state)) {
            break Err(e);
        }
        let action = tokio::select! {
            _ = ticker.tick() => Some(Action::Tick(Utc::now())),
            input = rx.recv() => match input {
                Some(Input::Key(k)) => keys::action_for(&state, k),
                Some(Input::Redraw) => None,
                Some(Input::Action(a)) => Some(a),
                None => Some(Action::Quit),
            },
        };
        let Some(action) = action else { continue };
        match update(&mut state, action) {
            Effect::None => {}
            Effect::Quit => break Ok(()),
            Effect::Fetch(req) => spawn_fetch(&backend, req, &tx),
            Effect::PrepareRollback { service } => {
                let (backend, tx) = (backend.clone(), tx.clone());
                tokio::spawn(async move {
                    let r =
                        operations::prepare_rollback(&backend.clients, &backend.target, &service)
                            .await;
                    let _ = tx.send(Input::Action(Action::Prepared(r)));
                });
            }
            Effect::Run(pending) => {
                let (backend, tx) = (backend.clone(), tx.clone());
                tokio::spawn(async move {
                    let r = operations::run(&backend.clients, &backend.target, &pending).await;
                    let _ = tx.send(Input::Action(Action::Finished(r)));
                });
            }
        }
    };
    stop.store(true, Ordering::Relaxed);
    let _ = reader.join();
    result
}

fn spawn_fetch(backend: &Arc<Backend>, req: FetchRequest, tx: &UnboundedSender<Input>) {
    let (backend, tx) = (backend.clone(), tx.clone());
    tokio::spawn(async move {
        let mut request = backend.request.clone();
        request.service = req.service;
        request.log_filter = req.log_filter;
        let snapshot = tokio::time::timeout(
            FETCH_TIMEOUT,
            console::snapshot(&backend.clients, &backend.http, &request),
        )
        .await
        .unwrap_or_else(|_| {
            Snapshot::failed(
                &format!("délai de {} s dépassé", FETCH_TIMEOUT.as_secs()),
                request.app_url.is_some(),
            )
        });
        let _ = tx.send(Input::Action(Action::Loaded(Box::new(snapshot))));
    });
}
