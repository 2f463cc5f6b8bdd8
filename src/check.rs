//! The collector behind every request's validation: each field is parsed once, every problem
//! is kept, and the caller picks either the whole list (clients) or the first by precedence
//! (the server path). It carries the engine's strictness (`Config::strict`), so every rule
//! that only a strict engine applies is written once, in its parser, and consults it there.

use crate::error::{ApiError, Detail, Precedence};

/// Problems found while parsing one request, each with its place in the precedence.
#[derive(Debug)]
pub(crate) struct Check {
    problems: Vec<(Precedence, ApiError)>,
    strict: bool,
}

impl Check {
    /// A collector for a default engine (`strict: false`) or a strict one.
    pub(crate) fn new(strict: bool) -> Self {
        Self {
            problems: Vec::new(),
            strict,
        }
    }

    /// Whether the rules only a strict engine applies are checked.
    pub(crate) fn strict(&self) -> bool {
        self.strict
    }

    fn push(&mut self, class: Precedence, problem: ApiError) {
        self.problems.push((class, problem));
    }

    /// Records a problem that one field cannot show alone (a rule across fields).
    pub(crate) fn cross(&mut self, problem: ApiError) {
        self.push(Precedence::CrossField, problem);
    }

    /// Records a field that a rule across fields makes required.
    pub(crate) fn missing(&mut self, field: &'static str) {
        self.push(Precedence::Missing, ApiError::missing(field));
    }

    /// Records a malformed field found outside the field parsers.
    pub(crate) fn malformed(&mut self, field: &'static str, reason: impl Into<Detail>) {
        self.push(Precedence::Malformed, ApiError::invalid(field, reason));
    }

    /// A required text field: absent or empty is missing, otherwise it must parse.
    pub(crate) fn required<'a, T>(
        &mut self,
        field: &'static str,
        raw: Option<&'a str>,
        parse: impl FnOnce(&'a str) -> Result<T, Detail>,
    ) -> Option<T> {
        match raw {
            None | Some("") => {
                self.missing(field);
                None
            }
            Some(text) => self.parsed(field, parse(text)),
        }
    }

    /// An optional text field where present-but-empty is an error (a field to change).
    /// `Some(None)` is "absent"; `None` means a problem was recorded.
    pub(crate) fn optional<T>(
        &mut self,
        field: &'static str,
        raw: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, Detail>,
    ) -> Option<Option<T>> {
        match raw {
            None => Some(None),
            Some("") => {
                self.malformed(field, "must not be empty when present");
                None
            }
            Some(text) => self.parsed(field, parse(text)).map(Some),
        }
    }

    /// An optional filter, where empty means "no filter" as in a search box.
    pub(crate) fn filter<T>(
        &mut self,
        field: &'static str,
        raw: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, Detail>,
    ) -> Option<Option<T>> {
        match raw {
            None | Some("") => Some(None),
            Some(text) => self.parsed(field, parse(text)).map(Some),
        }
    }

    /// An optional integer field.
    pub(crate) fn number<T>(
        &mut self,
        field: &'static str,
        raw: Option<i64>,
        parse: impl FnOnce(i64) -> Result<T, Detail>,
    ) -> Option<Option<T>> {
        match raw {
            None => Some(None),
            Some(n) => self.parsed(field, parse(n)).map(Some),
        }
    }

    fn parsed<T>(&mut self, field: &'static str, result: Result<T, Detail>) -> Option<T> {
        result.map_err(|reason| self.malformed(field, reason)).ok()
    }

    /// Every problem, ordered by precedence (stable within a class, i.e. in field order).
    pub(crate) fn into_all(mut self) -> Vec<ApiError> {
        self.problems.sort_by_key(|(class, _)| *class);
        self.problems.into_iter().map(|(_, p)| p).collect()
    }

    /// The parsed value if nothing was wrong, else the first problem by precedence.
    pub(crate) fn finish<T>(self, value: Option<T>) -> Result<T, ApiError> {
        match (value, self.problems.is_empty()) {
            (Some(v), true) => Ok(v),
            _ => Err(self
                .problems
                .into_iter()
                .min_by_key(|(class, _)| *class)
                .map(|(_, p)| p)
                .unwrap_or(ApiError::InternalError {
                    detail: "validation failed without naming a problem".into(),
                })),
        }
    }
}

/// Implements `validate`, `validate_all` (as a default engine checks) and `validate_with`,
/// `validate_all_with` (as an engine of the given strictness checks) for a request from its
/// `parse(&self, &mut Check)`.
macro_rules! validation {
    ($request:ty => $valid:ty, at $now:ident) => {
        impl $request {
            /// Checks the request without any state, as a client can before sending, against
            /// `now` (time windows must end after it): the validated form, or the first
            /// problem by the documented precedence (missing → malformed → cross-field). As a
            /// default engine checks; [`Self::validate_with`] checks as a strict one.
            pub fn validate(
                &self,
                $now: chrono::DateTime<chrono::Utc>,
            ) -> Result<$valid, $crate::ApiError> {
                self.validate_with($now, false)
            }

            /// Every problem of the request at `now`, in precedence order; empty when valid.
            /// As a default engine checks.
            pub fn validate_all(
                &self,
                $now: chrono::DateTime<chrono::Utc>,
            ) -> Vec<$crate::ApiError> {
                self.validate_all_with($now, false)
            }

            /// [`Self::validate`] as an engine with [`Config::strict`](crate::Config::strict)
            /// set to `strict` checks.
            pub fn validate_with(
                &self,
                $now: chrono::DateTime<chrono::Utc>,
                strict: bool,
            ) -> Result<$valid, $crate::ApiError> {
                let mut check = $crate::check::Check::new(strict);
                let value = self.parse(&mut check, $now);
                check.finish(value)
            }

            /// [`Self::validate_all`] as an engine with
            /// [`Config::strict`](crate::Config::strict) set to `strict` checks.
            pub fn validate_all_with(
                &self,
                $now: chrono::DateTime<chrono::Utc>,
                strict: bool,
            ) -> Vec<$crate::ApiError> {
                let mut check = $crate::check::Check::new(strict);
                let _ = self.parse(&mut check, $now);
                check.into_all()
            }
        }
    };
    ($request:ty => $valid:ty) => {
        impl $request {
            /// Checks the request without any state, as a client can before sending: the
            /// validated form, or the first problem by the documented precedence
            /// (missing → malformed → cross-field). As a default engine checks;
            /// [`Self::validate_with`] checks as a strict one.
            pub fn validate(&self) -> Result<$valid, $crate::ApiError> {
                self.validate_with(false)
            }

            /// Every problem of the request, in precedence order; empty when it is valid.
            /// As a default engine checks.
            pub fn validate_all(&self) -> Vec<$crate::ApiError> {
                self.validate_all_with(false)
            }

            /// [`Self::validate`] as an engine with [`Config::strict`](crate::Config::strict)
            /// set to `strict` checks.
            pub fn validate_with(&self, strict: bool) -> Result<$valid, $crate::ApiError> {
                let mut check = $crate::check::Check::new(strict);
                let value = self.parse(&mut check);
                check.finish(value)
            }

            /// [`Self::validate_all`] as an engine with
            /// [`Config::strict`](crate::Config::strict) set to `strict` checks.
            pub fn validate_all_with(&self, strict: bool) -> Vec<$crate::ApiError> {
                let mut check = $crate::check::Check::new(strict);
                let _ = self.parse(&mut check);
                check.into_all()
            }
        }
    };
}
pub(crate) use validation;
