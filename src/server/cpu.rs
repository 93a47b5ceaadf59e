//! CPU- and memory-heavy work (password hashing, photo decoding) runs here, on a small fixed
//! set of threads, never on tokio's blocking pool. That pool grows to hundreds of threads in
//! a burst, and glibc gives each thread its own heap arena that it keeps afterwards: a few
//! seconds of wrong passwords used to leave the process at 900 MB. Two threads bound both the
//! CPU spent and the memory kept; a burst waits in the queue instead.

use crate::error::{AppError, AppResult};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, LazyLock, Mutex};

type Job = Box<dyn FnOnce() + Send>;

const THREADS: usize = 2;

static QUEUE: LazyLock<Mutex<Sender<Job>>> = LazyLock::new(|| {
    let (sender, receiver) = channel::<Job>();
    let receiver = Arc::new(Mutex::new(receiver));
    for n in 0..THREADS {
        let receiver = receiver.clone();
        std::thread::Builder::new()
            .name(format!("cpu-{n}"))
            .spawn(move || work(&receiver))
            .expect("start a CPU worker thread");
    }
    Mutex::new(sender)
});

fn work(receiver: &Mutex<Receiver<Job>>) {
    loop {
        // The lock is held only while taking a job, not while running it.
        let job = match receiver.lock() {
            Ok(receiver) => receiver.recv(),
            Err(_) => return,
        };
        match job {
            Ok(job) => job(),
            Err(_) => return,
        }
    }
}

/// Runs `job` on a CPU worker and waits for its result without blocking the async runtime.
pub async fn run<T: Send + 'static>(job: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
    let (reply, result) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        // A closed receiver means the request went away; nothing to report.
        let _ = reply.send(job());
    });
    QUEUE
        .lock()
        .map_err(|_| AppError::internal("CPU queue poisoned"))?
        .send(job)
        .map_err(AppError::internal)?;
    result.await.map_err(AppError::internal)
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn jobs_run_and_return_their_result() {
        let results = futures::future::join_all((0..8).map(|n| super::run(move || n * 2))).await;
        let values: Vec<i32> = results.into_iter().map(Result::unwrap).collect();
        assert_eq!(values, vec![0, 2, 4, 6, 8, 10, 12, 14]);
    }
}
