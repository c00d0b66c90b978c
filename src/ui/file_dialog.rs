//! File dialogs that never fail silently. rfd answers "no file" both when the agent
//! cancels and when no dialog could open at all (no desktop portal, no zenity): a dialog
//! that comes back empty faster than a person can close one could not open, and the app
//! then asks for a path in a field of its own instead.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use eframe::egui;

/// An empty answer sooner than this after the dialog was asked for means it never showed.
const FASTEST_CANCEL: Duration = Duration::from_millis(400);

/// Label of the path field that stands in for a dialog; tests type into it.
pub const PATH_LABEL: &str = "File path";

/// Which dialogs the app asks for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Dialogs {
    /// The system's (rfd: the XDG portal or zenity on Linux, native elsewhere).
    #[default]
    System,
    /// None can open here: every dialog is the path field at once, after saying so
    /// (headless tests use this to stand for a desktop without a portal).
    Unavailable,
}

/// What a dialog answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// The files chosen (one for a save).
    Chosen(Vec<PathBuf>),
    /// The agent closed the dialog.
    Cancelled,
    /// No dialog could open.
    Unavailable,
}

impl Answer {
    /// Reads an rfd result that took `elapsed` to arrive.
    pub fn of(paths: Option<Vec<PathBuf>>, elapsed: Duration) -> Self {
        match paths {
            Some(paths) if !paths.is_empty() => Self::Chosen(paths),
            _ if elapsed < FASTEST_CANCEL => Self::Unavailable,
            _ => Self::Cancelled,
        }
    }
}

/// Awaits `dialog` (an rfd future made on the UI thread) and says what it answered.
pub fn await_dialog<F>(dialog: F) -> Answer
where
    F: std::future::Future<Output = Option<Vec<PathBuf>>>,
{
    let started = Instant::now();
    let paths = pollster::block_on(dialog);
    Answer::of(paths, started.elapsed())
}

/// The folder a save goes to when the agent types no other: Downloads in the home folder,
/// else the home folder, else the working directory.
pub fn downloads_dir() -> PathBuf {
    let Some(home) = std::env::home_dir() else {
        return PathBuf::from(".");
    };
    let downloads = home.join("Downloads");
    if downloads.is_dir() { downloads } else { home }
}

/// What the path field is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Purpose<T> {
    /// Inputs to open.
    Open,
    /// A save of this kind.
    Save(T),
}

/// The path field shown where no dialog can open.
#[derive(Clone, Debug)]
pub struct PathPrompt<T> {
    /// What the path is for.
    pub purpose: Purpose<T>,
    /// The text in the field.
    pub path: String,
    /// Why the last path was refused.
    pub problem: Option<String>,
}

impl<T: Clone> PathPrompt<T> {
    /// A prompt to open files, starting in the home folder.
    pub fn open() -> Self {
        let start =
            std::env::home_dir().map(|h| format!("{}{}", h.display(), std::path::MAIN_SEPARATOR));
        Self {
            purpose: Purpose::Open,
            path: start.unwrap_or_default(),
            problem: None,
        }
    }

    /// A prompt to save as `file_name` in the Downloads folder.
    pub fn save(what: T, file_name: &str) -> Self {
        Self {
            purpose: Purpose::Save(what),
            path: downloads_dir().join(file_name).display().to_string(),
            problem: None,
        }
    }

    /// Draws the prompt as a modal; returns the path confirmed, or `Err(())` when the agent
    /// cancelled. `Ok(None)` while it stays open.
    pub fn ui(&mut self, ctx: &egui::Context) -> Result<Option<PathBuf>, ()> {
        let mut result = Ok(None);
        let is_save = matches!(self.purpose, Purpose::Save(_));
        let modal = egui::Modal::new(egui::Id::unique("path_prompt")).show(ctx, |ui| {
            ui.set_width((ctx.content_rect().width() - 80.0).clamp(300.0, 640.0));
            ui.heading(if is_save {
                "Save to a file"
            } else {
                "Open files"
            });
            ui.label(
                "No file dialog can open on this desktop (it needs the XDG desktop portal \
                 or zenity). Type the path instead.",
            );
            let label = ui.label(PATH_LABEL);
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut self.path)
                        .desired_width(f32::INFINITY)
                        .font(egui::TextStyle::Monospace),
                )
                .labelled_by(label.id);
            let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if is_save {
                ui.label(save_target(Path::new(self.path.trim())));
            }
            if let Some(problem) = &self.problem {
                ui.colored_label(ui.visuals().error_fg_color, problem);
            }
            ui.horizontal(|ui| {
                let confirm = if is_save { "Save" } else { "Open" };
                if ui.button(confirm).clicked() || entered {
                    match check(Path::new(self.path.trim()), is_save) {
                        Ok(path) => result = Ok(Some(path)),
                        Err(problem) => self.problem = Some(problem),
                    }
                }
                if ui.button("Cancel").clicked() {
                    result = Err(());
                }
            });
        });
        if modal.should_close() {
            result = Err(());
        }
        result
    }
}

/// Where a save will go, in words: the file name and its folder, so the name the app
/// chose is read without scrolling the field.
fn save_target(path: &Path) -> String {
    match (path.file_name(), path.parent()) {
        (Some(name), Some(folder)) if !folder.as_os_str().is_empty() => format!(
            "Saves as {} in {}",
            name.to_string_lossy(),
            folder.display()
        ),
        (Some(name), _) => format!("Saves as {}", name.to_string_lossy()),
        (None, _) => "Type a file name at the end of the path.".into(),
    }
}

/// Refuses a path that cannot work, saying why.
fn check(path: &Path, is_save: bool) -> Result<PathBuf, String> {
    if path.as_os_str().is_empty() {
        return Err("Type a path first.".into());
    }
    if is_save {
        let folder = path.parent().filter(|p| !p.as_os_str().is_empty());
        if path.is_dir() {
            return Err(format!(
                "That is a folder; add a file name: {}",
                path.display()
            ));
        }
        if let Some(folder) = folder
            && !folder.is_dir()
        {
            return Err(format!("The folder does not exist: {}", folder.display()));
        }
    } else if !path.is_file() {
        return Err(format!("No such file: {}", path.display()));
    }
    Ok(path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_answer_at_once_means_no_dialog_could_open() {
        assert_eq!(
            Answer::of(None, Duration::from_millis(20)),
            Answer::Unavailable
        );
        assert_eq!(Answer::of(None, Duration::from_secs(3)), Answer::Cancelled);
        let chosen = vec![PathBuf::from("a.eml")];
        assert_eq!(
            Answer::of(Some(chosen.clone()), Duration::from_millis(20)),
            Answer::Chosen(chosen)
        );
    }

    #[test]
    fn the_save_target_names_the_file_and_its_folder() {
        let path = Path::new("/home/agent/Downloads/report.html");
        assert_eq!(
            save_target(path),
            "Saves as report.html in /home/agent/Downloads"
        );
        assert_eq!(
            save_target(Path::new("report.html")),
            "Saves as report.html"
        );
        assert_eq!(
            save_target(Path::new("")),
            "Type a file name at the end of the path."
        );
    }

    #[test]
    fn a_save_path_needs_an_existing_folder_and_an_open_path_a_file() {
        let dir = std::env::temp_dir();
        assert!(check(&dir.join("report.html"), true).is_ok());
        assert!(check(&dir, true).is_err());
        assert!(check(&dir.join("no-such-folder-mailflow/x.html"), true).is_err());
        assert!(check(&dir.join("no-such-file-mailflow.eml"), false).is_err());
        assert!(check(Path::new(""), false).is_err());
    }
}
