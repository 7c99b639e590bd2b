//! The fail-stop runtime wrapper around timely's `execute`: the one place of the distributed
//! module that reads the clock.
//!
//! Time bounds only *waiting* (for the cluster to connect, for a superstep to complete); it
//! never enters a result, so results stay a function of the seed and the inputs.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Mutex, mpsc};
use std::time::{Duration, Instant};

use timely::worker::Worker;

use super::DistributedError;

/// How long a distributed run waits before it gives up, and timely's configuration.
#[derive(Debug, Clone)]
pub struct Runtime {
    config: timely::Config,
    /// Longest wait for every process of the cluster to connect.
    pub connect_timeout: Duration,
    /// Longest wait for one superstep (a round of messages between the workers). A dead
    /// process is usually noticed at once (its connections close); this bounds the wait for
    /// one that hangs. It must exceed the longest local computation between two supersteps.
    pub stall_timeout: Duration,
}

impl Runtime {
    /// One worker thread in this process (no network).
    pub fn single() -> Runtime {
        Runtime::with_config(timely::Config::thread())
    }

    /// `threads` worker threads in this process.
    pub fn threads(threads: usize) -> Runtime {
        Runtime::with_config(timely::Config::process(threads.max(1)))
    }

    /// A run configured by timely's own arguments: `-w N` threads per process, `-n N`
    /// processes, `-p I` this process's index, `-h FILE` the hostfile (one `host:port` line per
    /// process, in process order); parsed by `timely::Config::from_args`.
    ///
    /// # Errors
    /// [`DistributedError::Config`] for arguments timely does not accept (or a hostfile it
    /// cannot read).
    ///
    /// # Example
    /// ```
    /// use fanzha::distributed::Runtime;
    /// let rt = Runtime::from_args(["-w", "2"].iter().map(|s| s.to_string())).unwrap();
    /// assert_eq!(rt.workers(), 2);
    /// assert!(Runtime::from_args(["--no-such-flag".to_string()].into_iter()).is_err());
    /// ```
    pub fn from_args(args: impl Iterator<Item = String>) -> Result<Runtime, DistributedError> {
        let config = timely::Config::from_args(args).map_err(DistributedError::Config)?;
        Ok(Runtime::with_config(config))
    }

    /// A run with timely's configuration `config`.
    pub fn with_config(config: timely::Config) -> Runtime {
        Runtime {
            config,
            connect_timeout: Duration::from_secs(60),
            stall_timeout: Duration::from_secs(600),
        }
    }

    /// Sets the stall timeout (see [`Runtime::stall_timeout`]).
    pub fn stall(mut self, timeout: Duration) -> Runtime {
        self.stall_timeout = timeout;
        self
    }

    /// Sets the connection timeout.
    pub fn connect(mut self, timeout: Duration) -> Runtime {
        self.connect_timeout = timeout;
        self
    }

    /// Worker threads of this process.
    pub fn workers(&self) -> usize {
        use timely::CommunicationConfig as C;
        match &self.config.communication {
            C::Thread => 1,
            C::Process(n) | C::ProcessBinary(n) => *n,
            C::Cluster { threads, .. } => *threads,
        }
    }

    /// This process's index in the cluster (0 in one process).
    pub fn process(&self) -> usize {
        match &self.config.communication {
            timely::CommunicationConfig::Cluster { process, .. } => *process,
            _ => 0,
        }
    }

    /// Runs `work` on every local worker and returns their results in worker order, or the
    /// first failure: a worker's error, a worker that stopped (a panic in timely's network
    /// layer when a peer dies), a cluster that did not connect in time.
    ///
    /// On failure the run's threads are left behind (a worker may be blocked on a dead peer):
    /// the caller should report the error and end the process.
    pub(crate) fn run<T, F>(&self, work: F) -> Result<Vec<T>, DistributedError>
    where
        T: Send + 'static,
        F: Fn(&mut Worker, &Watchdog) -> Result<T, DistributedError> + Send + Sync + 'static,
    {
        let (tx, rx) = mpsc::channel::<Event<T>>();
        let watchdog = Watchdog {
            stall: self.stall_timeout,
        };
        let config = self.config.clone();
        let failed = tx.clone();
        let tx = Mutex::new(tx);
        // `execute` connects the cluster before it returns, blocking: it runs aside, so that
        // the wait for the peers is bounded here.
        std::thread::Builder::new()
            .name("fanzha-timely".into())
            .spawn(move || {
                let started = timely::execute(config, move |worker| {
                    let Ok(tx) = tx.lock().map(|t| t.clone()) else {
                        return;
                    };
                    let index = worker.index();
                    let _ = tx.send(Event::Started);
                    let result = catch_unwind(AssertUnwindSafe(|| work(worker, &watchdog)))
                        .unwrap_or_else(|payload| {
                            Err(DistributedError::PeerLost {
                                worker: index,
                                cause: panic_text(payload.as_ref()),
                            })
                        });
                    let _ = tx.send(Event::Done(index, result));
                });
                match started {
                    Ok(guards) => drop(guards.join()),
                    Err(e) => drop(failed.send(Event::Failed(e))),
                }
            })
            .map_err(|e| DistributedError::Config(format!("cannot start a thread: {e}")))?;
        self.collect(&rx)
    }

    /// The local workers' results from `rx`, in worker order: the first worker must start
    /// within the connection timeout; then each worker bounds its own waits.
    fn collect<T>(&self, rx: &mpsc::Receiver<Event<T>>) -> Result<Vec<T>, DistributedError> {
        let workers = self.workers();
        let gone = || DistributedError::Config("timely could not start the workers".into());
        let mut results: Vec<Option<T>> = (0..workers).map(|_| None).collect();
        let mut started = false;
        let mut done = 0;
        while done < workers {
            let event = if started {
                rx.recv().map_err(|_| gone())?
            } else {
                rx.recv_timeout(self.connect_timeout).map_err(|e| match e {
                    mpsc::RecvTimeoutError::Timeout => DistributedError::ConnectTimeout {
                        seconds: self.connect_timeout.as_secs(),
                    },
                    mpsc::RecvTimeoutError::Disconnected => gone(),
                })?
            };
            match event {
                Event::Started => started = true,
                Event::Failed(e) => return Err(DistributedError::Config(e)),
                Event::Done(index, result) => {
                    let value = result?;
                    // Local workers are numbered from `process x workers` on.
                    if let Some(slot) = results.get_mut(index % workers) {
                        *slot = Some(value);
                    }
                    done += 1;
                }
            }
        }
        Ok(results.into_iter().flatten().collect())
    }
}

/// What the worker threads tell the calling thread.
enum Event<T> {
    /// A worker began: the cluster is connected.
    Started,
    /// A worker's result.
    Done(usize, Result<T, DistributedError>),
    /// Timely could not start.
    Failed(String),
}

/// The text of a panic's payload.
fn panic_text(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a worker thread panicked".into())
}

/// Bounds a worker's wait for a superstep.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Watchdog {
    stall: Duration,
}

impl Watchdog {
    /// A deadline for the superstep that starts now.
    pub fn start(&self) -> Deadline {
        Deadline {
            at: Instant::now() + self.stall,
            stall: self.stall,
        }
    }
}

/// The end of the wait for one superstep.
pub(crate) struct Deadline {
    at: Instant,
    stall: Duration,
}

impl Deadline {
    /// `Err(Stalled)` once the deadline has passed.
    pub fn check(&self) -> Result<(), DistributedError> {
        if Instant::now() > self.at {
            Err(DistributedError::Stalled {
                seconds: self.stall.as_secs(),
            })
        } else {
            Ok(())
        }
    }
}
