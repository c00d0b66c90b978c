//! Transient notifications in the bottom-right corner, above the page: they never move the
//! layout, so a click aimed at a button lands on that button however many messages came in.
//! Confirmations fade after a few seconds; errors stay until dismissed.

use eframe::egui;

use super::theme;

/// How long a confirmation stays, in seconds.
const CONFIRMATION_SECONDS: f64 = 4.0;
/// At most this many notifications are kept; the oldest go first.
const MAX_SHOWN: usize = 4;

/// Where widgets deep in a page leave confirmations for [`Toasts::ui`] to pick up.
fn requests_id() -> egui::Id {
    egui::Id::unique("toast_requests")
}

/// Copies `text` to the clipboard and confirms it with a notification saying `what` was
/// copied; for copy buttons anywhere in a page.
pub fn copy(ctx: &egui::Context, text: String, what: &str) {
    ctx.copy_text(text);
    let message = format!("Copied {what} to the clipboard.");
    ctx.data_mut(|d| {
        d.get_temp_mut_or_default::<Vec<String>>(requests_id())
            .push(message);
    });
}

/// One notification.
#[derive(Clone, Debug, PartialEq)]
struct Toast {
    text: String,
    is_error: bool,
    /// `egui::InputState::time` when it was first shown; `None` until then.
    shown_at: Option<f64>,
}

/// The notifications on screen, newest last.
#[derive(Debug, Default)]
pub struct Toasts {
    items: Vec<Toast>,
}

impl Toasts {
    /// Shows `text` unless the same notification is already on screen.
    pub fn push(&mut self, text: impl Into<String>, is_error: bool) {
        let text = text.into();
        if let Some(existing) = self
            .items
            .iter_mut()
            .find(|t| t.text == text && t.is_error == is_error)
        {
            existing.shown_at = None;
            return;
        }
        self.items.push(Toast {
            text,
            is_error,
            shown_at: None,
        });
        if self.items.len() > MAX_SHOWN {
            self.items.remove(0);
        }
    }

    /// The error notifications on screen, oldest first.
    pub fn errors(&self) -> impl Iterator<Item = &str> {
        self.items
            .iter()
            .filter(|t| t.is_error)
            .map(|t| t.text.as_str())
    }

    /// Removes the notifications saying `text` (what they reported no longer holds).
    pub fn dismiss(&mut self, text: &str) {
        self.items.retain(|t| t.text != text);
    }

    /// Removes every notification (a new case starts).
    pub fn clear(&mut self) {
        self.items.clear();
    }

    /// Draws the notifications in a foreground area anchored above the bottom bar.
    pub fn ui(&mut self, ctx: &egui::Context) {
        let requested: Vec<String> =
            ctx.data_mut(|d| d.remove_temp(requests_id()).unwrap_or_default());
        for text in requested {
            self.push(text, false);
        }
        let now = ctx.input(|i| i.time);
        self.items
            .retain(|t| t.is_error || t.shown_at.is_none_or(|at| now - at < CONFIRMATION_SECONDS));
        if self.items.is_empty() {
            return;
        }
        let mut dismissed = None;
        egui::Area::new(egui::Id::unique("toasts"))
            .order(egui::Order::Foreground)
            .anchor(egui::Align2::RIGHT_BOTTOM, theme::TOAST_OFFSET)
            .show(ctx, |ui| {
                ui.set_max_width(theme::TOAST_WIDTH);
                for (n, toast) in self.items.iter_mut().enumerate() {
                    let at = *toast.shown_at.get_or_insert(now);
                    toast_ui(ui, toast, n, &mut dismissed);
                    if !toast.is_error {
                        let left = (CONFIRMATION_SECONDS - (now - at)).max(0.0);
                        ctx.request_repaint_after(std::time::Duration::from_secs_f64(left));
                    }
                }
            });
        if let Some(n) = dismissed
            && n < self.items.len()
        {
            self.items.remove(n);
        }
    }
}

fn toast_ui(ui: &mut egui::Ui, toast: &Toast, n: usize, dismissed: &mut Option<usize>) {
    let fill = if toast.is_error {
        theme::error_fill(ui)
    } else {
        ui.visuals().window_fill
    };
    egui::Frame::popup(ui.style())
        .fill(fill)
        .inner_margin(10.0)
        .show(ui, |ui| {
            ui.set_width(theme::TOAST_WIDTH - 20.0);
            ui.horizontal(|ui| {
                let icon = if toast.is_error { "✖" } else { "✔" };
                ui.label(egui::RichText::new(icon).strong());
                ui.add(egui::Label::new(&toast.text).wrap());
            });
            if ui
                .small_button("Dismiss")
                .on_hover_text("Close this notification")
                .clicked()
            {
                *dismissed = Some(n);
            }
        });
    ui.add_space(theme::GAP / 2.0);
}
