//! Bulk-synchronous supersteps on timely: every worker sends addressed messages, then waits
//! until every message of the step has arrived everywhere.
//!
//! One small dataflow per message type: an input, an exchange by destination worker, and a
//! sink into the worker's inbox; a probe says when the step's epoch is complete on every
//! worker. Arrival order across senders is not fixed: callers reduce what they receive in an
//! order of their own (sorted by a key, or integer sums), so results do not depend on it.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use timely::ExchangeData;
use timely::container::CapacityContainerBuilder;
use timely::dataflow::operators::{Exchange, Input, Inspect, Probe};
use timely::dataflow::{InputHandle, ProbeHandle};
use timely::worker::Worker;

use super::DistributedError;
use super::runtime::Watchdog;

/// How long a waiting worker parks between checks of its deadline (and of its peers).
const PARK: Duration = Duration::from_millis(20);

/// A message with its destination worker and its superstep.
type Addressed<M> = (u64, u64, M);

/// Supersteps carrying messages of type `M` between the workers of a run.
pub(crate) struct Exchanger<M: ExchangeData + Clone> {
    input: InputHandle<u64, CapacityContainerBuilder<Vec<Addressed<M>>>>,
    probe: ProbeHandle<u64>,
    /// Messages received, with the step they belong to (a fast peer's next step may arrive
    /// before this worker has seen the current one complete).
    inbox: Rc<RefCell<Vec<(u64, M)>>>,
    epoch: u64,
    index: usize,
    peers: usize,
}

impl<M: ExchangeData + Clone> Exchanger<M> {
    /// Builds the dataflow on `worker` (every worker must build its exchangers in the same
    /// order).
    pub fn new(worker: &mut Worker) -> Self {
        let mut input = InputHandle::new();
        let probe = ProbeHandle::new();
        let inbox = Rc::new(RefCell::new(Vec::new()));
        let sink = Rc::clone(&inbox);
        worker.dataflow(|scope| {
            scope
                .input_from(&mut input)
                .container::<Vec<(u64, u64, M)>>()
                .exchange(|(to, _, _): &(u64, u64, M)| *to)
                .inspect(move |(_, step, m): &(u64, u64, M)| {
                    sink.borrow_mut().push((*step, m.clone()))
                })
                .probe_with(&probe);
        });
        Exchanger {
            input,
            probe,
            inbox,
            epoch: 0,
            index: worker.index(),
            peers: worker.peers(),
        }
    }

    /// This worker's index among all workers of the run.
    pub fn index(&self) -> usize {
        self.index
    }

    /// Number of workers in the run.
    pub fn peers(&self) -> usize {
        self.peers
    }

    /// One superstep: sends each `(to, message)` to worker `to`, and returns the messages
    /// sent to this worker in this step (in no fixed order), once every worker has sent its.
    ///
    /// # Errors
    /// [`DistributedError::Stalled`] if the step does not complete before the watchdog's
    /// deadline.
    pub fn step(
        &mut self,
        worker: &mut Worker,
        watchdog: &Watchdog,
        messages: impl IntoIterator<Item = (usize, M)>,
    ) -> Result<Vec<M>, DistributedError> {
        let step = self.epoch;
        for (to, m) in messages {
            self.input.send((to as u64, step, m));
        }
        self.epoch += 1;
        self.input.advance_to(self.epoch);
        let deadline = watchdog.start();
        while self.probe.less_than(self.input.time()) {
            worker.step_or_park(Some(PARK));
            deadline.check()?;
        }
        let mut inbox = self.inbox.borrow_mut();
        let (now, later): (Vec<_>, Vec<_>) = inbox.drain(..).partition(|(s, _)| *s == step);
        *inbox = later;
        Ok(now.into_iter().map(|(_, m)| m).collect())
    }

    /// One superstep in which every worker sends `message` to every worker (an all-gather):
    /// returns what all workers sent, in no fixed order.
    pub fn all_gather(
        &mut self,
        worker: &mut Worker,
        watchdog: &Watchdog,
        message: M,
    ) -> Result<Vec<M>, DistributedError> {
        let peers = self.peers;
        self.step(worker, watchdog, (0..peers).map(|to| (to, message.clone())))
    }
}
