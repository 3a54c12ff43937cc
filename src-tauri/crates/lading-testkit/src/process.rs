use std::fs::File;
use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// A free port on 127.0.0.1. The listener is closed before the server binds it; the window for a
/// clash is tiny and `ServerProcess::spawn` reports a server that failed to bind.
pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free loopback port")
}

/// Finds `name` on PATH (or takes `path` as is if it contains a '/').
pub(crate) fn find_binary(name: &str, install_hint: &str) -> PathBuf {
    if name.contains('/') {
        let p = PathBuf::from(name);
        if p.is_file() {
            return p;
        }
    } else if let Some(paths) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&paths) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    panic!("test server binary `{name}` not found: {install_hint}");
}

/// Spawns `command` from one thread that lives as long as the test process. PR_SET_PDEATHSIG
/// fires when the spawning *thread* ends, so a server started from a short-lived thread (a test's,
/// or one restarting a registry mid-test) would otherwise die with it.
fn spawn_from_keeper(command: Command) -> std::io::Result<Child> {
    type Job = (Command, mpsc::Sender<std::io::Result<Child>>);
    static KEEPER: OnceLock<Mutex<mpsc::Sender<Job>>> = OnceLock::new();
    let keeper = KEEPER.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("testkit-spawner".to_owned())
            .spawn(move || {
                for (mut command, reply) in rx {
                    let _ = reply.send(command.spawn());
                }
            })
            .expect("spawner thread");
        Mutex::new(tx)
    });
    let (reply_tx, reply_rx) = mpsc::channel();
    keeper
        .lock()
        .expect("spawner lock")
        .send((command, reply_tx))
        .expect("spawner thread alive");
    reply_rx.recv().expect("spawner answered")
}

/// A server child process whose output goes to a log file; killed on drop.
pub(crate) struct ServerProcess {
    child: Child,
    log_path: PathBuf,
    name: String,
}

impl ServerProcess {
    pub(crate) fn spawn(name: &str, mut command: Command, log_path: &Path) -> Self {
        // Append: a restarted server keeps the earlier log.
        let log = File::options()
            .create(true)
            .append(true)
            .open(log_path)
            .expect("open server log");
        command
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("clone log handle"))
            .stderr(log);
        #[cfg(target_os = "linux")]
        // SAFETY: prctl is async-signal-safe and touches only the child's own state.
        unsafe {
            use std::os::unix::process::CommandExt;
            command.pre_exec(|| {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child =
            spawn_from_keeper(command).unwrap_or_else(|e| panic!("could not start {name}: {e}"));
        Self {
            child,
            log_path: log_path.to_owned(),
            name: name.to_owned(),
        }
    }

    /// Waits until `port` accepts connections and `ready` holds; panics with the server's log if it
    /// exits or does not become ready within `timeout`.
    pub(crate) fn wait_ready(&mut self, port: u16, timeout: Duration, ready: impl Fn() -> bool) {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "{} exited early ({status}); its log:\n{}",
                    self.name,
                    self.log_tail()
                );
            }
            if TcpStream::connect_timeout(
                &([127, 0, 0, 1], port).into(),
                Duration::from_millis(200),
            )
            .is_ok()
                && ready()
            {
                return;
            }
            if Instant::now() > deadline {
                panic!(
                    "{} did not become ready on 127.0.0.1:{port} within {timeout:?}; its log:\n{}",
                    self.name,
                    self.log_tail()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub(crate) fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    pub(crate) fn log_tail(&self) -> String {
        let mut text = String::new();
        if let Ok(mut f) = File::open(&self.log_path) {
            let _ = f.read_to_string(&mut text);
        }
        let start = text.len().saturating_sub(4000);
        let start = (start..text.len())
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(text.len());
        text[start..].to_owned()
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills the server now (for fault tests: "registry stopped in the middle of a push").
    pub(crate) fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Reads from `stream` until an HTTP request head is complete (64 KiB at most): the bytes read
/// (the head and any start of the body), or `None` if the client went away first.
pub(crate) fn read_request_head(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut request = Vec::new();
    let mut buf = [0u8; 8192];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 64 * 1024 {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return None,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    Some(request)
}

/// A minimal HTTP/1.1 GET over a raw socket, so readiness checks need no HTTP client dependency.
/// Returns the status code.
pub(crate) fn http_get_status(port: u16, path: &str) -> Option<u16> {
    use std::io::Write;
    let mut stream =
        TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_millis(500))
            .ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).ok()?;
    std::str::from_utf8(&head[9..12]).ok()?.parse().ok()
}

/// POSTs a JSON body on loopback; answers the status. For emulators' control endpoints.
pub(crate) fn http_post_json(port: u16, path: &str, body: &str) -> Option<u16> {
    use std::io::Write;
    let mut stream =
        TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_millis(500))
            .ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).ok()?;
    std::str::from_utf8(&head[9..12]).ok()?.parse().ok()
}
