//! One account's tasks as a table: each task holds one row (a slot of a [`Slab`]) from its
//! creation to its removal, and an index leads from a task's id to its row.
//!
//! Rows rather than a map from id to task: a task's timer carries its row, so
//! [`Engine::advance`](crate::Engine::advance) reads a due task from its row instead of
//! looking its id up. A removed task's row goes to the next task created.

use serde::de::{Deserialize, Deserializer, Error as _, MapAccess, Visitor};
use serde::ser::{Serialize, Serializer};
use slab::Slab;

use super::task::Task;
use crate::Map;
use crate::error::ApiError;
use crate::ids::TaskId;

/// Where a task is stored in its account's table: fixed while the task is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Row(usize);

impl Row {
    /// The row of no task: a timer read from a snapshot that names no task holds it.
    pub(crate) const NONE: Self = Self(usize::MAX);

    /// The row with this index (tests build timers with it).
    #[cfg(test)]
    pub(crate) fn at(index: usize) -> Self {
        Self(index)
    }
}

/// The tasks of one account, by row and by id.
#[derive(Debug, Clone, Default)]
pub(crate) struct TaskTable {
    rows: Slab<Task>,
    index: Map<TaskId, Row>,
}

impl TaskTable {
    /// The task with this id.
    pub(crate) fn get(&self, id: &TaskId) -> Option<&Task> {
        self.index.get(id).and_then(|row| self.at(*row))
    }

    /// The task in this row.
    pub(crate) fn at(&self, row: Row) -> Option<&Task> {
        self.rows.get(row.0)
    }

    pub(crate) fn at_mut(&mut self, row: Row) -> Option<&mut Task> {
        self.rows.get_mut(row.0)
    }

    /// The row of the task with this id: `hint` if the task there is that one (the row a
    /// timer carries), else the index's.
    pub(crate) fn row(&self, hint: Option<Row>, id: &TaskId) -> Option<Row> {
        hint.filter(|row| self.at(*row).is_some_and(|t| t.id() == id))
            .or_else(|| self.index.get(id).copied())
    }

    pub(crate) fn contains(&self, id: &TaskId) -> bool {
        self.index.contains_key(id)
    }

    pub(crate) fn len(&self) -> usize {
        self.index.len()
    }

    /// Every task with its row, in row order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (Row, &Task)> {
        self.rows.iter().map(|(row, task)| (Row(row), task))
    }

    /// Every task, in row order.
    pub(crate) fn tasks(&self) -> impl Iterator<Item = &Task> {
        self.rows.iter().map(|(_, task)| task)
    }

    /// Stores a task whose id is not stored yet, in the most recently freed row or a new one.
    pub(crate) fn insert(&mut self, task: Task) -> Result<Row, ApiError> {
        if self.contains(task.id()) {
            return Err(ApiError::InternalError {
                detail: format!("task {} already exists", task.id()).into(),
            });
        }
        let id = task.id().clone();
        let row = Row(self.rows.insert(task));
        self.index.insert(id, row);
        Ok(row)
    }

    /// Takes the task out of its row, which the next task created reuses.
    pub(crate) fn remove(&mut self, row: Row) -> Option<Task> {
        let task = self.rows.try_remove(row.0)?;
        self.index.remove(task.id());
        Some(task)
    }

    /// Whether the index and the rows agree (used by tests).
    pub(crate) fn holds(&self) -> bool {
        self.rows.len() == self.index.len()
            && self
                .index
                .iter()
                .all(|(id, row)| self.at(*row).is_some_and(|t| t.id() == id))
    }
}

/// Two tables are equal when they hold the same tasks, wherever each is stored: rows record
/// the order tasks were created and removed in, which a state restored from a snapshot does
/// not repeat.
impl PartialEq for TaskTable {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.tasks().all(|t| other.get(t.id()) == Some(t))
    }
}

impl Eq for TaskTable {}

/// Written as a map from id to task, oldest task first, so that a snapshot does not depend
/// on which rows were reused; read back in that order, so the rows are in creation order.
impl Serialize for TaskTable {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut tasks: Vec<&Task> = self.tasks().collect();
        tasks.sort_unstable_by(|a, b| (a.seq(), a.id()).cmp(&(b.seq(), b.id())));
        s.collect_map(tasks.into_iter().map(|t| (t.id(), t)))
    }
}

impl<'de> Deserialize<'de> for TaskTable {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Tasks;
        impl<'de> Visitor<'de> for Tasks {
            type Value = TaskTable;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map from task id to task")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TaskTable, A::Error> {
                let mut table = TaskTable::default();
                while let Some((id, task)) = map.next_entry::<TaskId, Task>()? {
                    if &id != task.id() {
                        return Err(A::Error::custom(format!(
                            "task {} is filed under the id {id}",
                            task.id()
                        )));
                    }
                    table.insert(task).map_err(A::Error::custom)?;
                }
                Ok(table)
            }
        }
        d.deserialize_map(Tasks)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::pull_to_push::{CreateLivePullToPushRequest, NewTask};

    fn task(seq: u64) -> Task {
        let now = "2030-01-01T09:00:00Z".parse().unwrap();
        let spec = CreateLivePullToPushRequest {
            region: Some("cn-shanghai".into()),
            start_time: Some("2030-01-01T10:00:00Z".into()),
            end_time: Some("2030-01-01T12:00:00Z".into()),
            source_type: Some("live".into()),
            source_protocol: Some("rtmp".into()),
            source_urls: Some(vec![format!("rtmp://src.example.com/live/{seq}")]),
            dst_url: Some(format!("rtmp://push.example.com/live/{seq}")),
            ..Default::default()
        }
        .validate(now)
        .unwrap();
        // Ids against creation order, so that an order by id would show.
        let id = TaskId::try_from(format!("t{}", 9 - seq)).unwrap();
        Task::create(NewTask { id, seq, spec }, now)
    }

    fn table(seqs: &[u64]) -> TaskTable {
        let mut table = TaskTable::default();
        for seq in seqs {
            table.insert(task(*seq)).unwrap();
        }
        table
    }

    #[test]
    fn a_removed_tasks_row_goes_to_the_next_task() {
        let mut t = table(&[0, 1, 2]);
        let middle = t.row(None, task(1).id()).unwrap();
        assert_eq!(t.remove(middle).map(|t| t.seq()), Some(1));
        assert_eq!(t.remove(middle), None);
        assert!(t.get(task(1).id()).is_none() && t.holds());
        assert_eq!(t.insert(task(3)).unwrap(), middle);
        assert_eq!(t.at(middle).map(Task::seq), Some(3));
        let seqs: Vec<u64> = t.tasks().map(Task::seq).collect();
        assert_eq!(seqs, [0, 3, 2]);
        assert!(t.holds());
        // A second task with a stored id is refused and changes nothing.
        assert!(t.insert(task(3)).is_err());
        assert_eq!(t.len(), 3);
        assert!(t.holds());
    }

    /// `holds` notices an index that disagrees with the rows.
    #[test]
    fn holds_notices_each_disagreement() {
        let whole = || table(&[0, 1, 2]);
        assert!(whole().holds());
        let mut unindexed = whole();
        unindexed.index.remove(task(0).id());
        let mut misfiled = whole();
        misfiled.index.insert(task(0).id().clone(), Row(2));
        let mut dangling = whole();
        dangling.rows.remove(1);
        for (name, broken) in [
            ("unindexed", unindexed),
            ("misfiled", misfiled),
            ("dangling", dangling),
        ] {
            assert!(!broken.holds(), "{name}");
        }
    }

    #[test]
    fn a_row_hint_is_used_only_when_it_holds_the_task() {
        let t = table(&[0, 1]);
        let (first, second) = (Row(0), Row(1));
        assert_eq!(t.row(Some(second), task(1).id()), Some(second));
        assert_eq!(t.row(Some(first), task(1).id()), Some(second));
        assert_eq!(t.row(Some(Row::NONE), task(0).id()), Some(first));
        assert_eq!(t.row(Some(first), task(5).id()), None);
    }

    #[test]
    fn tables_compare_and_write_by_content_in_creation_order() {
        let mut reused = table(&[0, 1, 2]);
        reused.remove(Row(0));
        reused.insert(task(3)).unwrap();
        let fresh = table(&[1, 2, 3]);
        assert_ne!(
            reused
                .iter()
                .map(|(row, t)| (row, t.seq()))
                .collect::<Vec<_>>(),
            fresh
                .iter()
                .map(|(row, t)| (row, t.seq()))
                .collect::<Vec<_>>()
        );
        assert_eq!(reused, fresh);
        assert_ne!(reused, table(&[1, 2]));
        assert_ne!(table(&[1, 2]), reused);
        let json = serde_json::to_string(&reused).unwrap();
        assert_eq!(json, serde_json::to_string(&fresh).unwrap());
        let places: Vec<usize> = [1, 2, 3]
            .iter()
            .map(|seq| json.find(&format!("\"t{}\":", 9 - seq)).unwrap())
            .collect();
        assert!(places.is_sorted(), "{json}");
        let back: TaskTable = serde_json::from_str(&json).unwrap();
        assert_eq!(back, fresh);
        let rows = |t: &TaskTable| t.iter().map(|(row, t)| (row, t.seq())).collect::<Vec<_>>();
        assert_eq!(rows(&back), rows(&fresh));
    }

    #[test]
    fn only_a_map_filing_each_task_once_under_its_id_loads() {
        let json = serde_json::to_value(table(&[0])).unwrap();
        let entry = json.get("t9").unwrap().clone();
        let elsewhere = serde_json::json!({ "t0": entry });
        let err = serde_json::from_value::<TaskTable>(elsewhere).unwrap_err();
        assert!(err.to_string().contains("filed under"), "{err}");
        let err = serde_json::from_str::<TaskTable>("[]").unwrap_err();
        assert!(
            err.to_string().contains("a map from task id to task"),
            "{err}"
        );
        let twice = format!("{{\"t9\":{entry},\"t9\":{entry}}}");
        let err = serde_json::from_str::<TaskTable>(&twice).unwrap_err();
        assert!(err.to_string().contains("already exists"), "{err}");
    }
}
