//! The fail-stop runtime wrapper around timely's `execute`: the one place of the distributed
//! module that reads the clock.
//!
//! Time bounds only *waiting* (for the cluster to connect, for a superstep to complete); it
//! never enters a result, so results stay a function of the seed and the inputs.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use timely::communication::AllocatorBuilder;
use timely::execute::execute_from;
use timely::worker::Worker;

use super::DistributedError;

/// Called once the cluster is connected, with this process's index and the number of
/// processes.
type Connected = Arc<dyn Fn(usize, usize) + Send + Sync>;

/// How long a distributed run waits before it gives up, and timely's configuration.
#[derive(Clone)]
pub struct Runtime {
    config: timely::Config,
    connected: Option<Connected>,
    /// Rayon threads of each worker's own pool; `None`: the workers share rayon's global pool.
    pool_threads: Option<usize>,
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
        let config = timely::Config::from_args(args).map_err(|e| {
            DistributedError::Config(format!("timely's arguments (-w, -n, -p, -h): {e}"))
        })?;
        Ok(Runtime::with_config(config))
    }

    /// A run with timely's configuration `config`.
    pub fn with_config(config: timely::Config) -> Runtime {
        Runtime {
            config,
            connected: None,
            pool_threads: None,
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

    /// Calls `f(process, processes)` each time this process has connected to every other
    /// process of the cluster (before the work starts), e.g. to tell the user.
    pub fn on_connected(mut self, f: impl Fn(usize, usize) + Send + Sync + 'static) -> Runtime {
        self.connected = Some(Arc::new(f));
        self
    }

    /// Gives each worker its own rayon pool of `threads` threads for its share of the
    /// parallel work (sampling, evaluating draws). By default the workers of a process share
    /// rayon's global pool (all cores), which suits one worker per process; with
    /// `-w N` workers, `worker_pool(1)` makes timely's workers the only parallelism.
    /// Results do not depend on it.
    pub fn worker_pool(mut self, threads: usize) -> Runtime {
        self.pool_threads = Some(threads.max(1));
        self
    }

    /// A worker's own pool (see [`worker_pool`](Self::worker_pool)), or `None` for the
    /// global one.
    pub(crate) fn pool(&self) -> Result<Option<Arc<rayon::ThreadPool>>, DistributedError> {
        self.pool_threads
            .map(|n| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(n)
                    .build()
                    .map(Arc::new)
                    .map_err(|e| DistributedError::Config(format!("rayon pool: {e}")))
            })
            .transpose()
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
        let (builders, others) = self.allocators()?;
        let worker_config = self.config.worker.clone();
        let failed = tx.clone();
        let tx = Mutex::new(tx);
        // The workers' results come through the channel; timely's guards are joined aside.
        std::thread::Builder::new()
            .name("fanzha-timely".into())
            .spawn(move || {
                let started = execute_from(builders, others, worker_config, move |worker| {
                    let Ok(tx) = tx.lock().map(|t| t.clone()) else {
                        return;
                    };
                    let index = worker.index();
                    let _ = tx.send(Event::Started);
                    let result = catch_unwind(AssertUnwindSafe(|| work(worker, &watchdog)))
                        .unwrap_or_else(|payload| {
                            Err(DistributedError::PeerLost {
                                worker: index,
                                cause: cause(&panic_text(payload.as_ref())),
                            })
                        });
                    let _ = tx.send(Event::Done(index, result));
                });
                match started {
                    Ok(guards) => {
                        // Drops the guards too: the network threads end after their clean
                        // shutdown with every peer.
                        drop(guards.join());
                        let _ = failed.send(Event::Joined);
                    }
                    Err(e) => drop(failed.send(Event::Failed(e))),
                }
            })
            .map_err(|e| DistributedError::Config(format!("cannot start a thread: {e}")))?;
        self.collect(&rx)
    }

    /// Timely's allocator builders: in this process as timely makes them; for a cluster,
    /// over sockets connected within the connection timeout (see `connect`).
    #[allow(clippy::type_complexity)]
    fn allocators(&self) -> Result<(Vec<AllocatorBuilder>, Box<dyn Any + Send>), DistributedError> {
        match &self.config.communication {
            timely::CommunicationConfig::Cluster {
                threads,
                process,
                addresses,
                ..
            } => {
                let built =
                    super::connect::cluster(addresses, *process, *threads, self.connect_timeout)?;
                if let Some(f) = &self.connected {
                    f(*process, addresses.len());
                }
                Ok(built)
            }
            other => other.clone().try_build().map_err(DistributedError::Config),
        }
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
                Event::Joined => break,
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
        // Wait (boundedly) for timely to shut down cleanly: a process that ended at once
        // would close its connections before its peers finished, and they would take it for
        // a failure.
        while let Ok(event) = rx.recv_timeout(self.stall_timeout) {
            if matches!(event, Event::Joined | Event::Failed(_)) {
                break;
            }
        }
        if results.iter().any(Option::is_none) {
            return Err(gone());
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
    /// Timely has shut down (every worker and network thread has ended).
    Joined,
}

/// What a worker's panic means: timely's network layer poisons a worker's queues when a
/// connection to a peer breaks.
fn cause(text: &str) -> String {
    if text.contains("MergeQueue poisoned") || text.contains("timely communication error") {
        format!("the connection to another process broke (timely: {text})")
    } else {
        text.to_string()
    }
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

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("config", &self.config)
            .field("connect_timeout", &self.connect_timeout)
            .field("stall_timeout", &self.stall_timeout)
            .field("pool_threads", &self.pool_threads)
            .finish_non_exhaustive()
    }
}

/// Runs `op` in `pool` if there is one, else on rayon's global pool.
pub(crate) fn in_pool<R: Send>(
    pool: Option<&rayon::ThreadPool>,
    op: impl FnOnce() -> R + Send,
) -> R {
    match pool {
        Some(p) => p.install(op),
        None => op(),
    }
}
