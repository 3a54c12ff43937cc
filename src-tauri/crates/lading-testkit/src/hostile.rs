//! A registry that misbehaves on demand, for what a real one will not do: stall, loop its
//! pagination, point elsewhere, lie. Each request is answered by a closure the test gives; every
//! request is recorded (with its Authorization header, to see where credentials went). Bound to
//! 127.0.0.1 on a free port, stopped when dropped.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    pub authorization: Option<String>,
    pub range: Option<String>,
}

/// How to answer a request.
pub enum Answer {
    /// A complete answer (Content-Length set from the body; `Connection: close`).
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Accept the request and never answer.
    Stall,
    /// Read the request and close the connection without a byte of answer.
    Close,
    /// Send the headers (declaring `declared` bytes) and `sent` of the body, then nothing more.
    StallAfter { declared: u64, sent: Vec<u8> },
    /// Like `StallAfter`, but close the connection: the body breaks off.
    CutAfter { declared: u64, sent: Vec<u8> },
}

impl Answer {
    pub fn json(status: u16, body: &str) -> Self {
        Answer::Respond {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    /// Adds a header to a `Respond`.
    pub fn with(mut self, name: &str, value: &str) -> Self {
        if let Answer::Respond { headers, .. } = &mut self {
            headers.push((name.to_owned(), value.to_owned()));
        }
        self
    }
}

type Handler = dyn Fn(&Seen) -> Answer + Send + Sync;

pub struct Hostile {
    port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
    stop: Arc<AtomicBool>,
}

impl Hostile {
    pub fn start(handler: impl Fn(&Seen) -> Answer + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind hostile server");
        listener.set_nonblocking(true).expect("nonblocking");
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        {
            let (seen, stop) = (seen.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            let (seen, stop, handler) =
                                (seen.clone(), stop.clone(), handler.clone());
                            std::thread::spawn(move || serve(stream, &seen, &stop, &*handler));
                        }
                        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                            std::thread::sleep(Duration::from_millis(5));
                        }
                        Err(_) => break,
                    }
                }
            });
        }
        Self { port, seen, stop }
    }

    /// `127.0.0.1:PORT`
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.host())
    }

    /// Every request received so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn serve(mut stream: TcpStream, seen: &Mutex<Vec<Seen>>, stop: &AtomicBool, handler: &Handler) {
    let Some(request) = crate::process::read_request_head(&mut stream) else {
        return;
    };
    let mut buf = [0u8; 8192];
    let head_end = request
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(request.len())
        + 4;
    let head = String::from_utf8_lossy(&request[..head_end.min(request.len())]).into_owned();
    let mut lines = head.lines();
    let mut first = lines.next().unwrap_or_default().split_whitespace();
    let (method, target) = (
        first.next().unwrap_or_default().to_owned(),
        first.next().unwrap_or_default().to_owned(),
    );
    let header = |name: &str| {
        head.lines().skip(1).find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    };
    // Read (and drop) a request body so the client is not stuck writing it.
    let length: usize = header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut have = request.len().saturating_sub(head_end);
    while have < length {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => have += n,
        }
    }
    let request = Seen {
        method,
        target,
        authorization: header("authorization"),
        range: header("range"),
    };
    seen.lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(request.clone());
    let stall = || {
        while !stop.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    let answer = handler(&request);
    match &answer {
        Answer::Respond {
            status,
            headers,
            body,
        } => {
            let mut out = format!(
                "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n",
                body.len()
            );
            for (name, value) in headers {
                out.push_str(&format!("{name}: {value}\r\n"));
            }
            out.push_str("\r\n");
            let _ = stream.write_all(out.as_bytes());
            let _ = stream.write_all(body);
        }
        Answer::Stall => stall(),
        Answer::Close => {
            let _ = stream.shutdown(std::net::Shutdown::Both);
        }
        Answer::StallAfter { declared, sent } | Answer::CutAfter { declared, sent } => {
            let _ = write!(stream, "HTTP/1.1 200 OK\r\nContent-Length: {declared}\r\nContent-Type: application/octet-stream\r\n\r\n");
            let _ = stream.write_all(sent);
            let _ = stream.flush();
            if matches!(answer, Answer::StallAfter { .. }) {
                stall();
            }
        }
    }
}
