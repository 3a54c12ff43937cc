//! A live progress display for terminals: one line per blob plus a total with rate and ETA,
//! redrawn at most ten times a second.

use std::io::Write;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use humansize::{format_size, BINARY};
use lading_oci::push::{BlobState, ProgressEvent};

pub struct Progress {
    state: Mutex<State>,
}

struct State {
    blobs: Vec<Option<ProgressEvent>>,
    started: Instant,
    last_draw: Option<Instant>,
    lines_drawn: usize,
}

impl Progress {
    pub fn new() -> Self {
        Self {
            state: Mutex::new(State {
                blobs: Vec::new(),
                started: Instant::now(),
                last_draw: None,
                lines_drawn: 0,
            }),
        }
    }

    pub fn update(&self, event: ProgressEvent) {
        let mut state = self.state.lock().expect("progress lock");
        if state.blobs.len() <= event.blob {
            state.blobs.resize(event.blob + 1, None);
        }
        let index = event.blob;
        state.blobs[index] = Some(event);
        let due = state
            .last_draw
            .is_none_or(|t| t.elapsed() >= Duration::from_millis(100));
        if due {
            state.draw();
        }
    }

    pub fn finish(&self) {
        let mut state = self.state.lock().expect("progress lock");
        state.draw();
    }
}

impl State {
    fn draw(&mut self) {
        let mut out = String::new();
        if self.lines_drawn > 0 {
            out.push_str(&format!("\x1b[{}A", self.lines_drawn));
        }
        let (mut done, mut total) = (0u64, 0u64);
        for (i, blob) in self.blobs.iter().enumerate() {
            let Some(b) = blob else { continue };
            done += b.done;
            total += b.total;
            let state = match b.state {
                BlobState::Checking => "checking",
                BlobState::Exists => "exists — skipped",
                BlobState::Mounted => "mounted",
                BlobState::Uploading => "uploading",
                BlobState::Downloading => "downloading",
                BlobState::Done => "done",
            };
            let pct = (b.done * 100).checked_div(b.total).unwrap_or(100);
            out.push_str(&format!(
                "\x1b[2K  blob {:>3}  {:<16} {:>10} / {:<10} {:>3}%\n",
                i + 1,
                state,
                format_size(b.done, BINARY),
                format_size(b.total, BINARY),
                pct
            ));
        }
        let elapsed = self.started.elapsed().as_secs_f64().max(0.001);
        let rate = done as f64 / elapsed;
        let eta = if rate > 0.0 && total > done {
            format!("{:.0} s left", (total - done) as f64 / rate)
        } else {
            String::new()
        };
        out.push_str(&format!(
            "\x1b[2K  total      {:>10} / {:<10} {}/s {}\n",
            format_size(done, BINARY),
            format_size(total, BINARY),
            format_size(rate as u64, BINARY),
            eta
        ));
        self.lines_drawn = out.matches('\n').count();
        self.last_draw = Some(Instant::now());
        let mut stderr = std::io::stderr().lock();
        let _ = stderr.write_all(out.as_bytes());
        let _ = stderr.flush();
    }
}
