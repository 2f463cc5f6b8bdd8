//! The passing of time: what falls due (a task's StartTime or EndTime, the end of its
//! retries, the end of an exited task's retention) happens when the embedder says the time
//! has come.

use chrono::{DateTime, Utc};

use super::Engine;
use crate::error::ApiError;
use crate::event::Change;

impl Engine {
    /// Applies everything that falls due up to `now`, in time order, each dated at its own
    /// deadline: tasks reaching StartTime start, tasks reaching EndTime exit, retrying tasks
    /// whose retries ran out stop, exited tasks past their retention disappear. Returns how
    /// many transitions it applied. Every call runs this first.
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, pull_to_push::*};
    /// let mut engine = Engine::new(Config::default());
    /// let account = "1001".try_into().unwrap();
    /// let req = CreateLivePullToPushRequest {
    ///     region: Some("cn-shanghai".into()),
    ///     start_time: Some("2030-01-01T10:00:00Z".into()),
    ///     end_time: Some("2030-01-01T12:00:00Z".into()),
    ///     source_type: Some("live".into()),
    ///     source_protocol: Some("rtmp".into()),
    ///     source_urls: Some(vec!["rtmp://src.example.com/live/a".into()]),
    ///     dst_url: Some("rtmp://push.example.com/live/a".into()),
    ///     ..Default::default()
    /// };
    /// engine.create_live_pull_to_push(&account, &req, "2030-01-01T09:00:00Z".parse().unwrap()).unwrap();
    /// assert_eq!(engine.next_deadline(), Some("2030-01-01T10:00:00Z".parse().unwrap()));
    /// // Two hours later: the start and the end have both passed, in that order.
    /// assert_eq!(engine.advance("2030-01-01T12:00:00Z".parse().unwrap()), 2);
    /// ```
    pub fn advance(&mut self, now: DateTime<Utc>) -> usize {
        let mut applied = 0;
        while let Some((timer, event)) = self.state.next_due(now, &self.config.task_limits) {
            let committed = match event {
                Some(event) => self.commit(
                    &timer.account,
                    Change::PullToPush(event),
                    timer.at,
                    Some(timer.row),
                ),
                None => Err(ApiError::InternalError {
                    detail: "a timer without a due change".into(),
                }),
            };
            match committed {
                Ok(()) => applied += 1,
                // Unreachable while the invariants hold; dropping the timer keeps the loop
                // finite and the failure visible to `State::invariants_hold`.
                Err(_) => self.state.drop_timer(&timer),
            }
        }
        applied
    }

    /// When something next happens on its own (the earliest task deadline), if anything
    /// will: the embedder calls [`Engine::advance`] then, or just passes that time to its next
    /// call.
    ///
    /// ```
    /// let engine = live_lifecycle::Engine::new(live_lifecycle::Config::default());
    /// assert_eq!(engine.next_deadline(), None);
    /// ```
    pub fn next_deadline(&self) -> Option<DateTime<Utc>> {
        self.state.first_timer().map(|t| t.at)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::{Config, Engine};

    /// A timer that names no task (only a tampered state has one) is dropped, so that time
    /// goes on past it; `invariants_hold` shows the state was broken.
    #[test]
    fn a_timer_of_no_task_is_dropped_and_time_goes_on() {
        let mut engine = Engine::new(Config::default());
        engine.state = serde_json::from_str(
            r#"{"accounts":{},"jobs_created":0,"timers":[["2030-01-01T00:00:00Z","1001","gone"]]}"#,
        )
        .unwrap();
        assert!(!engine.state().invariants_hold());
        assert_eq!(engine.advance("2030-01-02T00:00:00Z".parse().unwrap()), 0);
        assert_eq!(engine.next_deadline(), None);
    }
}
