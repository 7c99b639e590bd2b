//! Connecting the processes of a cluster, bounded in time and quiet.
//!
//! Timely's own connection step retries forever and prints its progress on standard output
//! (which would mix with a program's results); this one makes the same sockets — process `p`
//! dials every process before it, accepts every process after it, each connection opened by
//! the dialler's index — within a deadline, and hands them to timely's
//! `initialize_networking_from_sockets`. Part of the runtime wrapper: it reads the clock.

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use timely::communication::allocator::ProcessBuilder;
use timely::communication::allocator::zero_copy::initialize::initialize_networking_from_sockets;
use timely::communication::{AllocatorBuilder, Hooks};

use super::DistributedError;

/// Pause between attempts to dial or accept.
const RETRY: Duration = Duration::from_millis(50);

/// Timely's allocator builders (one per local worker) and the guard of its network threads,
/// for the cluster of `addresses` (one per process) seen from process `me`.
pub(crate) fn cluster(
    addresses: &[String],
    me: usize,
    threads: usize,
    timeout: Duration,
) -> Result<(Vec<AllocatorBuilder>, Box<dyn std::any::Any + Send>), DistributedError> {
    let deadline = Instant::now() + timeout;
    let timed_out = || DistributedError::ConnectTimeout {
        seconds: timeout.as_secs(),
    };
    let config = |e: std::io::Error, what: &str| DistributedError::Config(format!("{what}: {e}"));
    let here = addresses.get(me).ok_or_else(|| {
        DistributedError::Config(format!("process {me} has no line in the hostfile"))
    })?;
    // Bind first, so that later processes can dial while this one dials earlier ones.
    let listener = TcpListener::bind(here.trim())
        .map_err(|e| config(e, &format!("cannot listen on {here}")))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| config(e, "listener"))?;
    let mut sockets: Vec<Option<TcpStream>> = (0..addresses.len()).map(|_| None).collect();
    for (index, address) in addresses.iter().enumerate().take(me) {
        let stream = loop {
            match TcpStream::connect(address.trim()) {
                Ok(s) => break s,
                Err(_) if Instant::now() < deadline => std::thread::sleep(RETRY),
                Err(_) => return Err(timed_out()),
            }
        };
        let mut stream = stream;
        stream
            .write_all(&(me as u64).to_le_bytes())
            .map_err(|e| config(e, &format!("handshake with process {index}")))?;
        sockets[index] = Some(stream);
    }
    let mut missing = addresses.len() - me - 1;
    while missing > 0 {
        match listener.accept() {
            Ok((mut stream, _)) => {
                stream
                    .set_nonblocking(false)
                    .and_then(|()| stream.set_read_timeout(Some(timeout)))
                    .map_err(|e| config(e, "accepted connection"))?;
                let mut id = [0u8; 8];
                stream
                    .read_exact(&mut id)
                    .map_err(|e| config(e, "handshake"))?;
                stream
                    .set_read_timeout(None)
                    .map_err(|e| config(e, "accepted connection"))?;
                let id = u64::from_le_bytes(id) as usize;
                match sockets.get_mut(id) {
                    Some(slot @ None) if id > me => {
                        *slot = Some(stream);
                        missing -= 1;
                    }
                    _ => {
                        return Err(DistributedError::Config(format!(
                            "unexpected connection from process {id} (is each process started \
                             with its own -p?)"
                        )));
                    }
                }
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                if Instant::now() >= deadline {
                    return Err(timed_out());
                }
                std::thread::sleep(RETRY);
            }
            Err(e) => return Err(config(e, "accept")),
        }
    }
    for s in sockets.iter().flatten() {
        s.set_nodelay(true).map_err(|e| config(e, "socket"))?;
    }
    let hooks = Hooks::default();
    let local =
        ProcessBuilder::new_typed_vector(threads, hooks.refill.clone(), hooks.spill.clone());
    let (builders, guard) = initialize_networking_from_sockets(local, sockets, me, threads, hooks)
        .map_err(|e| config(e, "timely networking"))?;
    Ok((
        builders.into_iter().map(AllocatorBuilder::Tcp).collect(),
        Box::new(guard),
    ))
}
