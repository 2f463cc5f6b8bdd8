//! Callback delivery, off the request path.

use std::time::Duration;

use live_lifecycle::pull_to_push::Callback;
use tokio::sync::mpsc;

/// How long a callback POST may take, and how often it is tried.
const CALLBACK_TIMEOUT: Duration = Duration::from_secs(5);
const CALLBACK_ATTEMPTS: u32 = 3;

/// Delivers callbacks off the request path: a bounded timeout per attempt, a few attempts,
/// and a log line when one cannot be delivered. One at a time, in the order the engine made
/// them, so a receiver sees a task's states in the order they happened: a POST each on its
/// own thread arrived out of order now and then (the SDK suite caught `Offline` before the
/// `Running` that came first).
pub(crate) async fn deliver_callbacks(mut queue: mpsc::UnboundedReceiver<Callback>) {
    let agent = ureq::AgentBuilder::new().timeout(CALLBACK_TIMEOUT).build();
    while let Some(callback) = queue.recv().await {
        let agent = agent.clone();
        let delivered = tokio::task::spawn_blocking(move || {
            // A struct of text and numbers: only a bug could fail to write it, and it is said.
            let body = match serde_json::to_string(&callback.body) {
                Ok(body) => body,
                Err(e) => {
                    eprintln!(
                        "callback to {} not sent: its body could not be written: {e}",
                        callback.url
                    );
                    return;
                }
            };
            for attempt in 1..=CALLBACK_ATTEMPTS {
                match agent
                    .post(&callback.url)
                    .set("Content-Type", "application/json")
                    .send_string(&body)
                {
                    Ok(_) => return,
                    Err(e) if attempt == CALLBACK_ATTEMPTS => {
                        eprintln!(
                            "callback to {} failed after {attempt} attempts: {e}",
                            callback.url
                        );
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(500 * u64::from(attempt))),
                }
            }
        });
        // The next callback waits for this one (a worker that panicked has nothing to add).
        let _ = delivered.await;
    }
}
