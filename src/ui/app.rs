//! The wizard application: state, persistence and the top-level panels. Everything it
//! shows comes from the worker's [`Analysis`]; nothing here parses or analyses.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use eframe::egui;
use serde::{Deserialize, Serialize};

use crate::export;
use crate::step::Step;

use super::count_words;
use super::export_actions::{Export, Exports, Finished};
use super::file_dialog::{Answer, Dialogs, PathPrompt, Purpose};
use super::guidance::Guidance;
use super::intake::{self, OpenDialog};
use super::message_bar::MessageBar;
use super::online::OnlineChecks;
use super::pages::{self, inputs::Action};
use super::rail::{self, Page};
use super::samples;
use super::theme;
use super::toasts::Toasts;
use super::worker::{Analysis, LoadedInput, NewInput, OnlineRequest, Origin, Request, Worker};

/// What the agent is told when no file dialog could open.
const DIALOG_FAILED: &str = "No file dialog could open on this desktop; type the path instead.";

/// Light, dark, or whatever the system says.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Theme {
    /// Follow the system.
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

/// Settings that outlive a case.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The colour theme.
    pub theme: Theme,
    /// The online-checks switch.
    pub online: OnlineChecks,
    /// Whether exports are redacted by default.
    pub redact: bool,
}

/// The case as saved: enough to rebuild it after a crash or restart.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SavedCase {
    /// Opened file paths, pasted texts and sample files, in order.
    pub origins: Vec<Origin>,
    /// The selected message.
    pub selected_message: Option<usize>,
    /// The page the agent was on.
    pub page: Page,
    /// Ticked checklist items and next actions.
    pub checklist: BTreeMap<String, bool>,
    /// The agent's notes.
    pub notes: String,
}

/// What eframe's storage holds.
#[derive(Default, Serialize, Deserialize)]
#[serde(default)]
struct Persisted {
    settings: Settings,
    case: SavedCase,
}

/// The desktop wizard.
#[derive(Default)]
pub struct App {
    page: Page,
    settings: Settings,
    inputs: Vec<Arc<LoadedInput>>,
    analysis: Option<Analysis>,
    selected_message: Option<usize>,
    checklist: BTreeMap<String, bool>,
    notes: String,
    paste: String,
    pasted_count: usize,
    toasts: Toasts,
    queued: Vec<NewInput>,
    /// True when the next analysis should choose the page (a new case was loaded).
    land: bool,
    /// The window title last sent, so it is sent only when it changes.
    title: String,
    /// True once the spacing and fonts are set: on the first frame, so the window and the
    /// headless tests and snapshots draw with the same ones.
    styled: bool,
    message_bar: MessageBar,
    dialogs: Dialogs,
    path_prompt: Option<PathPrompt<Export>>,
    rerun: bool,
    restore_offer: Option<SavedCase>,
    /// The online switch as the current diagnosis reflects it; a difference means rerun.
    online_applied: bool,
    /// True while the running job does DNS lookups.
    online_running: bool,
    online_config: crate::online::Config,
    /// The knowledge the worker diagnoses with; the embedded tables unless `--vendors`
    /// added a folder of gateway profiles ([`Self::set_knowledge`]).
    knowledge: Option<&'static crate::knowledge::Knowledge>,
    worker: Worker,
    open_dialog: OpenDialog,
    exports: Exports,
}

impl App {
    /// The app as eframe starts it: settings restored, `files` loaded as the case, or —
    /// with no files — an offer to restore the last case.
    pub fn new(cc: &eframe::CreationContext<'_>, files: &[PathBuf]) -> Self {
        let persisted: Persisted = cc
            .storage
            .and_then(|s| eframe::get_value(s, eframe::APP_KEY))
            .unwrap_or_default();
        let mut app = Self::new_with_files(files);
        app.settings = persisted.settings;
        cc.egui_ctx.set_theme(app.theme_preference());
        if files.is_empty() {
            app.offer_restore(persisted.case);
        }
        app
    }

    /// Offers to restore `case` (the last session's) with a banner, unless it is empty.
    pub fn offer_restore(&mut self, case: SavedCase) {
        if !case.origins.is_empty() {
            self.restore_offer = Some(case);
        }
    }

    /// An app with `files` queued as the case; `mailflow FILE…` ends here, and tests
    /// start here without a window.
    pub fn new_with_files(files: &[PathBuf]) -> Self {
        let mut app = Self::default();
        app.add_paths(files.iter().cloned());
        app
    }

    /// Queues files to be read and added to the case.
    pub fn add_paths(&mut self, paths: impl IntoIterator<Item = PathBuf>) {
        let before = self.queued.len();
        self.queued.extend(paths.into_iter().map(NewInput::file));
        self.note_new_inputs(before);
    }

    /// A case's first inputs choose the page once they are analysed.
    fn note_new_inputs(&mut self, queued_before: usize) {
        if self.queued.len() > queued_before && self.inputs.is_empty() {
            self.land = true;
        }
    }

    /// Diagnoses with `knowledge` (loaded once at start-up, e.g. with `--vendors`
    /// profiles) instead of the embedded tables.
    pub fn set_knowledge(&mut self, knowledge: &'static crate::knowledge::Knowledge) {
        self.knowledge = Some(knowledge);
    }

    /// Uses the path field instead of the system's file dialogs (as where none can open).
    pub fn set_dialogs(&mut self, dialogs: Dialogs) {
        self.dialogs = dialogs;
    }

    /// Queues pasted text as an input.
    pub fn add_pasted(&mut self, text: String) {
        self.pasted_count += 1;
        let before = self.queued.len();
        self.queued.push(NewInput {
            origin: Origin::Pasted {
                name: format!("pasted text {}", self.pasted_count),
                text,
            },
            bytes: None,
        });
        self.note_new_inputs(before);
    }

    /// Replaces the case with the bundled sample.
    pub fn load_sample(&mut self) {
        self.clear_case();
        self.queued.extend(samples::names().map(|name| NewInput {
            origin: Origin::Sample(name.to_owned()),
            bytes: None,
        }));
        self.land = true;
    }

    /// True while inputs are read or analysed, or a change waits to be analysed.
    pub fn is_busy(&self) -> bool {
        let online_changed =
            self.settings.online.enabled != self.online_applied && !self.inputs.is_empty();
        self.worker.is_busy() || !self.queued.is_empty() || self.rerun || online_changed
    }

    /// The settings (theme, online switch, redaction default).
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Sends the online checks to `config`'s name server instead of the system resolver
    /// (a company resolver, or a local test server).
    pub fn set_online_config(&mut self, config: crate::online::Config) {
        self.online_config = config;
    }

    /// The page shown.
    pub fn page(&self) -> Page {
        self.page
    }

    /// Shows `page`.
    pub fn set_page(&mut self, page: Page) {
        self.page = page;
    }

    /// The current diagnosis, if any.
    pub fn analysis(&self) -> Option<&Analysis> {
        self.analysis.as_ref()
    }

    /// The error notifications shown, newest last.
    pub fn errors(&self) -> impl Iterator<Item = &str> {
        self.toasts.errors()
    }

    /// The window title for the current case: "Mailflow — <subject>".
    pub fn window_title(&self) -> String {
        let subject = self
            .analysis
            .as_ref()
            .and_then(|a| a.diagnosis.message.as_ref())
            .and_then(|m| m.subject.as_deref())
            .map(str::trim)
            .filter(|s| !s.is_empty());
        match subject {
            Some(subject) => format!("Mailflow — {subject}"),
            None => "Mailflow".into(),
        }
    }

    /// The case as it would be saved now.
    pub fn saved_case(&self) -> SavedCase {
        SavedCase {
            origins: self
                .inputs
                .iter()
                .map(|i| i.origin.clone())
                .chain(self.queued.iter().map(|q| q.origin.clone()))
                .filter(Origin::restorable)
                .collect(),
            selected_message: self.selected_message,
            page: self.page,
            checklist: self.checklist.clone(),
            notes: self.notes.clone(),
        }
    }

    /// Rebuilds a saved case.
    pub fn restore(&mut self, case: SavedCase) {
        self.clear_case();
        self.pasted_count = case
            .origins
            .iter()
            .filter(|o| matches!(o, Origin::Pasted { .. }))
            .count();
        self.queued = case
            .origins
            .into_iter()
            .map(|origin| NewInput {
                origin,
                bytes: None,
            })
            .collect();
        self.selected_message = case.selected_message;
        self.page = case.page;
        self.checklist = case.checklist;
        self.notes = case.notes;
    }

    fn clear_case(&mut self) {
        self.inputs.clear();
        self.analysis = None;
        self.queued.clear();
        self.selected_message = None;
        self.checklist.clear();
        self.notes.clear();
        self.toasts.clear();
        self.restore_offer = None;
        self.land = false;
    }

    fn theme_preference(&self) -> egui::ThemePreference {
        match self.settings.theme {
            Theme::System => egui::ThemePreference::System,
            Theme::Light => egui::ThemePreference::Light,
            Theme::Dark => egui::ThemePreference::Dark,
        }
    }

    fn notify(&mut self, text: impl Into<String>, is_error: bool) {
        self.toasts.push(text, is_error);
    }

    /// The page a newly analysed case is most useful on: the verdict when there is no
    /// trace to walk through (an NDR or headers alone), the inputs when nothing could be
    /// read, else Step 1.
    fn landing_page(&self) -> Page {
        match &self.analysis {
            None => Page::Inputs,
            Some(a) if a.diagnosis.trace.is_none() => Page::Step(Step::Status),
            Some(_) => Page::Step(Step::Trace),
        }
    }

    /// Draws one frame; also what tests drive.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        if !self.styled {
            theme::apply(&ctx);
            self.styled = true;
        }
        self.intake(&ctx);
        self.background(&ctx);
        self.keyboard(&ctx);
        egui::Panel::left("rail")
            .resizable(false)
            .exact_size(theme::RAIL_WIDTH)
            .show(ui, |ui| {
                let diagnosis = self.analysis.as_ref().map(|a| &a.diagnosis);
                rail::ui(ui, &mut self.page, diagnosis);
                ui.with_layout(egui::Layout::bottom_up(egui::Align::Min), |ui| {
                    self.theme_ui(ui);
                });
            });
        egui::Panel::bottom("nav").show(ui, |ui| self.nav_ui(ui));
        egui::CentralPanel::default().show(ui, |ui| {
            self.restore_offer_ui(ui);
            self.message_bar_ui(ui);
            self.page_ui(ui);
        });
        self.path_prompt_ui(&ctx);
        self.toasts.ui(&ctx);
        self.title_ui(&ctx);
        intake::hover_overlay_ui(&ctx);
    }

    /// Names the case in the window title (and the task bar), once per change.
    fn title_ui(&mut self, ctx: &egui::Context) {
        let title = self.window_title();
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }

    /// Above every step and the Summary: which message the page is about.
    fn message_bar_ui(&mut self, ui: &mut egui::Ui) {
        if self.page == Page::Inputs {
            return;
        }
        let Some(analysis) = &self.analysis else {
            return;
        };
        let busy = self.worker.is_busy();
        if let Some(n) = self.message_bar.ui(ui, analysis, busy) {
            self.select_message(n);
        }
        ui.add_space(theme::GAP / 2.0);
    }

    fn select_message(&mut self, n: usize) {
        self.selected_message = Some(n);
        self.rerun = true;
    }

    /// The path field standing in for a file dialog that could not open.
    fn path_prompt_ui(&mut self, ctx: &egui::Context) {
        let Some(prompt) = &mut self.path_prompt else {
            return;
        };
        let answer = prompt.ui(ctx);
        let purpose = prompt.purpose.clone();
        if !matches!(answer, Ok(None)) {
            // The field stood in for the dialog; its error has been answered.
            self.toasts.dismiss(DIALOG_FAILED);
        }
        match answer {
            Ok(None) => {}
            Err(()) => self.path_prompt = None,
            Ok(Some(path)) => {
                self.path_prompt = None;
                match purpose {
                    Purpose::Open => {
                        self.restore_offer = None;
                        self.add_paths([path]);
                    }
                    Purpose::Save(export) => self.save_to(ctx, export, path),
                }
            }
        }
    }

    fn intake(&mut self, ctx: &egui::Context) {
        let dropped = intake::take_dropped(ctx);
        if !dropped.is_empty() {
            self.restore_offer = None;
            let before = self.queued.len();
            self.queued.extend(dropped);
            self.note_new_inputs(before);
        }
        if let Some(text) = intake::take_paste(ctx) {
            self.restore_offer = None;
            self.add_pasted(text);
        }
        match self.open_dialog.poll() {
            Some(Answer::Chosen(paths)) => {
                self.restore_offer = None;
                self.add_paths(paths);
            }
            Some(Answer::Unavailable) => self.dialog_failed(None),
            Some(Answer::Cancelled) | None => {}
        }
    }

    /// Collects finished work and starts the next job when the worker is free.
    fn background(&mut self, ctx: &egui::Context) {
        if let Some(outcome) = self.worker.poll() {
            for error in outcome.errors {
                self.notify(error, true);
            }
            self.inputs = outcome.inputs;
            if let Some(analysis) = &outcome.analysis {
                self.selected_message = Some(analysis.diagnosis.selected_message);
            }
            self.analysis = outcome.analysis;
            if self.land && self.queued.is_empty() {
                self.land = false;
                self.page = self.landing_page();
            }
        }
        if let Some(finished) = self.exports.poll() {
            self.export_finished(finished);
        }
        let wants_online = self.settings.online.enabled;
        if wants_online != self.online_applied && !self.inputs.is_empty() {
            self.rerun = true;
        }
        if self.worker.is_busy() || (self.queued.is_empty() && !self.rerun) {
            return;
        }
        let cached = self.analysis.as_ref().and_then(|a| {
            let same = self.queued.is_empty()
                && Some(a.diagnosis.selected_message) == self.selected_message;
            a.online.clone().filter(|_| same)
        });
        let online = match (wants_online, cached) {
            (false, _) => OnlineRequest::Off,
            (true, Some(results)) => OnlineRequest::Cached(Box::new(results)),
            (true, None) => OnlineRequest::Run,
        };
        self.online_running = matches!(online, OnlineRequest::Run);
        self.online_applied = wants_online;
        let request = Request {
            existing: self.inputs.clone(),
            new: std::mem::take(&mut self.queued),
            selected: self.selected_message,
            online,
            online_config: self.online_config.clone(),
            knowledge: self
                .knowledge
                .unwrap_or_else(|| crate::knowledge::Knowledge::embedded()),
        };
        self.rerun = false;
        if let Err(error) = self.worker.start(ctx, request) {
            self.notify(format!("Could not start the analysis: {error}"), true);
        }
    }

    fn keyboard(&mut self, ctx: &egui::Context) {
        // Most specific first: consume_key ignores extra Shift, so Ctrl+Tab would also
        // match Ctrl+Shift+Tab.
        let (next, back) = ctx.input_mut(|i| {
            let back = i.consume_key(
                egui::Modifiers::CTRL | egui::Modifiers::SHIFT,
                egui::Key::Tab,
            ) || i.consume_key(egui::Modifiers::ALT, egui::Key::ArrowLeft);
            let next = i.consume_key(egui::Modifiers::CTRL, egui::Key::Tab)
                || i.consume_key(egui::Modifiers::ALT, egui::Key::ArrowRight);
            (next, back)
        });
        let by = match (next, back) {
            (true, false) => 1,
            (false, true) => -1,
            _ => return,
        };
        if let Some(page) = self.page.offset(by) {
            self.page = page;
        }
    }

    fn theme_ui(&mut self, ui: &mut egui::Ui) {
        let before = self.settings.theme;
        ui.horizontal(|ui| {
            for (theme, label) in [
                (Theme::System, "System"),
                (Theme::Light, "Light"),
                (Theme::Dark, "Dark"),
            ] {
                ui.selectable_value(&mut self.settings.theme, theme, label);
            }
        });
        ui.label("Theme");
        if before != self.settings.theme {
            ui.ctx().set_theme(self.theme_preference());
        }
    }

    fn nav_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            let back = self.page.offset(-1);
            if ui
                .add_enabled(back.is_some(), egui::Button::new("Back"))
                .on_hover_text("Alt+← or Ctrl+Shift+Tab")
                .clicked()
                && let Some(page) = back
            {
                self.page = page;
            }
            let next = self.page.offset(1);
            if ui
                .add_enabled(next.is_some(), egui::Button::new("Next"))
                .on_hover_text("Alt+→ or Ctrl+Tab")
                .clicked()
                && let Some(page) = next
            {
                self.page = page;
            }
            if self.worker.is_busy() {
                let (phase, fraction) = self.worker.progress();
                ui.spinner();
                if let Some(fraction) = fraction {
                    ui.add(
                        egui::ProgressBar::new(fraction)
                            .desired_width(200.0)
                            .show_percentage(),
                    );
                }
                ui.label(phase);
            }
        });
    }

    fn restore_offer_ui(&mut self, ui: &mut egui::Ui) {
        if let Some(case) = &self.restore_offer {
            let count = case.origins.len();
            let mut choice = None;
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.label(format!(
                    "Your last case ({}) was not closed. Restore it?",
                    count_words(count, "input", "inputs")
                ));
                ui.horizontal(|ui| {
                    if ui.button("Restore last case").clicked() {
                        choice = Some(true);
                    }
                    if ui.button("Start fresh").clicked() {
                        choice = Some(false);
                    }
                });
            });
            match choice {
                Some(true) => {
                    if let Some(case) = self.restore_offer.take() {
                        self.restore(case);
                    }
                }
                Some(false) => self.restore_offer = None,
                None => {}
            }
        }
    }

    fn page_ui(&mut self, ui: &mut egui::Ui) {
        let diagnosis = self.analysis.as_ref().map(|a| &a.diagnosis);
        match self.page {
            Page::Step(Step::Trace) => {
                let timeline = self
                    .analysis
                    .as_ref()
                    .map(|a| &a.timeline)
                    .filter(|t| !t.rows.is_empty());
                let Some(timeline) = timeline else {
                    egui::ScrollArea::vertical()
                        .id_salt("trace_top")
                        .auto_shrink(false)
                        .show(ui, |ui| {
                            pages::step_intro_ui(ui, Step::Trace, diagnosis, &mut self.checklist);
                        });
                    return;
                };
                // The findings above, the event timeline below, split where the agent
                // drags it; at first the timeline takes what its rows need, up to half the
                // page.
                let page = ui.available_height();
                let findings =
                    (page - pages::trace::table_height(ui, timeline.rows.len())).max(page * 0.5);
                egui::Panel::top("trace_split")
                    .resizable(true)
                    .default_size(findings)
                    .size_range(80.0..=(page - 80.0).max(80.0))
                    .frame(egui::Frame::new())
                    .show(ui, |ui| {
                        egui::ScrollArea::vertical()
                            .id_salt("trace_top")
                            .auto_shrink(false)
                            .show(ui, |ui| {
                                pages::step_intro_ui(
                                    ui,
                                    Step::Trace,
                                    diagnosis,
                                    &mut self.checklist,
                                );
                            });
                    });
                ui.add_space(theme::GAP / 2.0);
                pages::trace::table_ui(ui, timeline);
            }
            Page::Summary => {
                let saving = self.exports.is_busy();
                let mut export = None;
                if diagnosis.is_some() {
                    egui::Panel::bottom("summary_exports")
                        .frame(egui::Frame::new())
                        .show(ui, |ui| {
                            export =
                                pages::summary::exports_ui(ui, &mut self.settings.redact, saving);
                        });
                }
                let mut goto = None;
                egui::ScrollArea::vertical()
                    .id_salt("summary")
                    .auto_shrink(false)
                    .show(ui, |ui| {
                        goto =
                            pages::summary::ui(ui, diagnosis, &mut self.checklist, &mut self.notes);
                    });
                if let Some(step) = goto {
                    self.page = Page::Step(step);
                }
                if let Some(export) = export {
                    self.export(ui.ctx(), export);
                }
            }
            page => {
                egui::ScrollArea::vertical()
                    .id_salt(page.title())
                    .auto_shrink(false)
                    .show(ui, |ui| self.scrolled_page_ui(ui, page));
            }
        }
    }

    fn scrolled_page_ui(&mut self, ui: &mut egui::Ui, page: Page) {
        let diagnosis = self.analysis.as_ref().map(|a| &a.diagnosis);
        match page {
            Page::Inputs => {
                let actions = pages::inputs::ui(
                    ui,
                    &self.inputs,
                    self.analysis.as_ref(),
                    self.worker.is_busy(),
                    &mut self.paste,
                    &mut self.message_bar.search,
                );
                for action in actions {
                    self.inputs_action(ui.ctx(), action);
                }
            }
            Page::Step(Step::Status) => pages::status::ui(ui, diagnosis, &mut self.checklist),
            Page::Step(Step::Rules) => pages::rules::ui(ui, diagnosis, &mut self.checklist),
            Page::Step(Step::Headers) => pages::headers::ui(ui, diagnosis, &mut self.checklist),
            Page::Step(Step::External) => pages::external::ui(
                ui,
                &mut self.checklist,
                self.analysis.as_ref(),
                &mut self.settings.online,
                self.worker.is_busy() && self.online_running,
            ),
            Page::Step(Step::Trace) | Page::Summary => {}
        }
    }

    fn inputs_action(&mut self, ctx: &egui::Context, action: Action) {
        match action {
            Action::Open if self.dialogs == Dialogs::Unavailable => self.dialog_failed(None),
            Action::Open => {
                if let Err(error) = self.open_dialog.open(ctx) {
                    self.dialog_failed(Some(error));
                }
            }
            Action::Sample => self.load_sample(),
            Action::AddPaste => {
                let text = std::mem::take(&mut self.paste);
                self.add_pasted(text);
            }
            Action::Remove(n) => {
                if n < self.inputs.len() {
                    self.inputs.remove(n);
                    self.selected_message = None;
                    self.rerun = true;
                }
            }
            Action::Select(n) => self.select_message(n),
        }
    }

    /// The ticked checklist items and done next actions, as the report lists them.
    fn agent_checks(&self) -> Vec<(String, bool)> {
        let ticked = |key: &str| self.checklist.get(key).copied().unwrap_or(false);
        let checks = Guidance::embedded()
            .checklist()
            .filter(|(_, item)| ticked(&item.id))
            .map(|(step, item)| (format!("{step}: {}", item.text), true));
        let actions = self
            .analysis
            .iter()
            .flat_map(|a| &a.diagnosis.next_actions)
            .filter(|a| ticked(&pages::summary::action_key(&a.text)))
            .map(|a| (format!("Done: {}", a.text), true));
        checks.chain(actions).collect()
    }

    fn export_options(&self) -> export::Options {
        export::Options {
            redact: self.settings.redact,
            agent_checks: self.agent_checks(),
            notes: self.notes.trim().to_owned(),
            ..export::Options::now()
        }
    }

    fn export(&mut self, ctx: &egui::Context, export: Export) {
        let Some(analysis) = &self.analysis else {
            return;
        };
        let options = self.export_options();
        let finished = self.exports.start(
            ctx,
            export,
            self.dialogs,
            &analysis.diagnosis,
            &self.inputs,
            options,
        );
        if let Some(finished) = finished {
            self.export_finished(finished);
        }
    }

    fn save_to(&mut self, ctx: &egui::Context, export: Export, path: PathBuf) {
        let Some(analysis) = &self.analysis else {
            return;
        };
        let options = self.export_options();
        let finished = self.exports.save_to(
            ctx,
            export,
            path,
            &analysis.diagnosis,
            &self.inputs,
            options,
        );
        if let Some(finished) = finished {
            self.export_finished(finished);
        }
    }

    fn export_finished(&mut self, finished: Finished) {
        match finished {
            Finished::Message(Ok(text)) => self.notify(text, false),
            Finished::Message(Err(text)) => self.notify(text, true),
            Finished::NeedsPath(export, file_name) => {
                self.notify(DIALOG_FAILED, true);
                self.path_prompt = Some(PathPrompt::save(export, &file_name));
            }
        }
    }

    /// Says that the Open… dialog could not open (and why, when known) and asks for a
    /// path instead.
    fn dialog_failed(&mut self, reason: Option<String>) {
        self.notify(reason.unwrap_or_else(|| DIALOG_FAILED.into()), true);
        self.path_prompt = Some(PathPrompt::open());
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        let persisted = Persisted {
            settings: std::mem::take(&mut self.settings),
            case: self.saved_case(),
        };
        eframe::set_value(storage, eframe::APP_KEY, &persisted);
        self.settings = persisted.settings;
    }
}
