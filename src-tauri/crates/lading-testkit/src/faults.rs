//! A loopback proxy in front of a real registry that breaks a share of its connections, chosen
//! by a seed so a failing run can be replayed: refused at once, answered 503 or 429 (with
//! Retry-After: 0), cut in the middle of the registry's answer or of the client's request, or
//! stalled: the answer stops flowing but the connection stays open, until the client gives up.
//! The rest pass through untouched (keep-alive included), so every fault is a connection fault,
//! as on a real network.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What happened to one connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    None,
    Refused,
    Unavailable,
    RateLimited,
    /// The registry's answer stops after this many bytes.
    CutAnswer(usize),
    /// The client's request stops reaching the registry after this many bytes.
    CutRequest(usize),
    /// The registry's answer stops after this many bytes; the connection stays open.
    StallAnswer(usize),
}

pub struct FaultyProxy {
    port: u16,
    stop: Arc<AtomicBool>,
    faults: Arc<Mutex<Vec<Fault>>>,
}

/// xorshift64*: small, seeded, good enough to spread faults.
fn next(state: &mut u64) -> u64 {
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    state.wrapping_mul(0x2545_f491_4f6c_dd1d)
}

impl FaultyProxy {
    /// Proxies to `upstream` (`host:port`); about `per_cent` of connections get a fault.
    pub fn start(upstream: &str, seed: u64, per_cent: u64) -> Self {
        Self::start_with(upstream, seed, per_cent, None)
    }

    /// No faults, but answers flow at about `bytes_per_second`: a download takes long enough
    /// for a test to act in the middle of it.
    pub fn slow(upstream: &str, bytes_per_second: u64) -> Self {
        Self::start_with(upstream, 1, 0, Some(bytes_per_second))
    }

    fn start_with(upstream: &str, seed: u64, per_cent: u64, rate: Option<u64>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        listener.set_nonblocking(true).expect("nonblocking");
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let faults = Arc::new(Mutex::new(Vec::new()));
        let upstream = upstream.to_owned();
        {
            let (stop, faults) = (stop.clone(), faults.clone());
            std::thread::spawn(move || {
                let mut rng = seed.max(1);
                let connections = AtomicUsize::new(0);
                while !stop.load(Ordering::Relaxed) {
                    let (client, _) = match listener.accept() {
                        Ok(accepted) => accepted,
                        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                            std::thread::sleep(Duration::from_millis(2));
                            continue;
                        }
                        Err(_) => break,
                    };
                    connections.fetch_add(1, Ordering::Relaxed);
                    let fault = if next(&mut rng) % 100 < per_cent {
                        match next(&mut rng) % 6 {
                            0 => Fault::Refused,
                            1 => Fault::Unavailable,
                            2 => Fault::RateLimited,
                            3 => Fault::CutAnswer(200 + (next(&mut rng) % 300_000) as usize),
                            4 => Fault::CutRequest(100 + (next(&mut rng) % 300_000) as usize),
                            _ => Fault::StallAnswer((next(&mut rng) % 300_000) as usize),
                        }
                    } else {
                        Fault::None
                    };
                    faults.lock().unwrap_or_else(|p| p.into_inner()).push(fault);
                    let upstream = upstream.clone();
                    std::thread::spawn(move || handle(client, &upstream, fault, rate));
                }
            });
        }
        Self { port, stop, faults }
    }

    /// `127.0.0.1:PORT`
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The fault of every connection so far, in order.
    pub fn faults(&self) -> Vec<Fault> {
        self.faults
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

impl Drop for FaultyProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn handle(client: TcpStream, upstream: &str, fault: Fault, rate: Option<u64>) {
    let _ = client.set_nonblocking(false);
    let answer = |mut client: TcpStream, status: &str| {
        // Read the request head first, as a server would, then answer and close.
        if crate::process::read_request_head(&mut client).is_none() {
            return;
        }
        let _ = write!(
            client,
            "HTTP/1.1 {status}\r\nRetry-After: 0\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        let _ = client.shutdown(Shutdown::Both);
    };
    match fault {
        Fault::Refused => {
            let _ = client.shutdown(Shutdown::Both);
        }
        Fault::Unavailable => answer(client, "503 Service Unavailable"),
        Fault::RateLimited => answer(client, "429 Too Many Requests"),
        Fault::None | Fault::CutAnswer(_) | Fault::CutRequest(_) | Fault::StallAnswer(_) => {
            let Ok(server) = TcpStream::connect(upstream) else {
                return;
            };
            let (up_limit, down_limit) = match fault {
                Fault::CutRequest(n) => (Some(n), None),
                Fault::CutAnswer(n) | Fault::StallAnswer(n) => (None, Some(n)),
                _ => (None, None),
            };
            let (client2, server2) = match (client.try_clone(), server.try_clone()) {
                (Ok(c), Ok(s)) => (c, s),
                _ => return,
            };
            let client_gone = Arc::new(AtomicBool::new(false));
            let up = {
                let client_gone = client_gone.clone();
                std::thread::spawn(move || {
                    pump(client2, server2, up_limit, None);
                    client_gone.store(true, Ordering::Relaxed);
                })
            };
            if matches!(fault, Fault::StallAnswer(_)) {
                stall(server, client, down_limit.unwrap_or(0), &client_gone);
            } else {
                pump(server, client, down_limit, rate);
            }
            let _ = up.join();
        }
    }
}

/// Passes `limit` bytes of the answer, then holds the connection open, sending nothing, until
/// the client closes it (a minute at most, so a client without a timeout cannot hang the test).
fn stall(mut from: TcpStream, mut to: TcpStream, limit: usize, client_gone: &AtomicBool) {
    let mut buf = [0u8; 16 * 1024];
    let mut sent = 0usize;
    while sent < limit {
        let n = match from.read(&mut buf[..(limit - sent).min(16 * 1024)]) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if to.write_all(&buf[..n]).is_err() {
            break;
        }
        sent += n;
    }
    let until = std::time::Instant::now() + Duration::from_secs(60);
    while !client_gone.load(Ordering::Relaxed) && std::time::Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = from.shutdown(Shutdown::Both);
    let _ = to.shutdown(Shutdown::Both);
}

/// Copies `from` → `to` until either side closes, or `limit` bytes passed: then both close;
/// at about `rate` bytes per second when given.
fn pump(mut from: TcpStream, mut to: TcpStream, limit: Option<usize>, rate: Option<u64>) {
    let mut buf = [0u8; 16 * 1024];
    let mut sent = 0usize;
    let started = std::time::Instant::now();
    loop {
        if let Some(rate) = rate {
            let due = Duration::from_secs_f64(sent as f64 / rate.max(1) as f64);
            if let Some(wait) = due.checked_sub(started.elapsed()) {
                std::thread::sleep(wait);
            }
        }
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let n = match limit {
            Some(limit) if sent + n >= limit => {
                let _ = to.write_all(&buf[..limit - sent]);
                break;
            }
            _ => n,
        };
        if to.write_all(&buf[..n]).is_err() {
            break;
        }
        sent += n;
    }
    let _ = from.shutdown(Shutdown::Both);
    let _ = to.shutdown(Shutdown::Both);
}
