//! Time source. Tests move a manual clock to check timeouts (A7) without sleeping.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};

#[derive(Clone, Debug, Default)]
pub struct Clock(Option<Arc<Mutex<DateTime<Utc>>>>);

impl Clock {
    pub fn system() -> Clock {
        Clock(None)
    }

    pub fn manual(start: DateTime<Utc>) -> Clock {
        Clock(Some(Arc::new(Mutex::new(
            linghuo_storage::truncate_micros(start),
        ))))
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &self.0 {
            None => linghuo_storage::now(),
            Some(t) => *t.lock().expect("clock lock"),
        }
    }

    /// Moves a manual clock forward; no effect on the system clock.
    pub fn advance(&self, by: Duration) {
        if let Some(t) = &self.0 {
            let mut g = t.lock().expect("clock lock");
            *g += by;
        }
    }

    /// Today in China Standard Time.
    pub fn today_cst(&self) -> chrono::NaiveDate {
        (self.now() + Duration::hours(8)).date_naive()
    }
}

/// The China Standard Time calendar day of an instant.
pub fn cst_date(t: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
    (t + Duration::hours(8)).date_naive()
}
