//! Test harness: the real router on a fresh database (a temp SQLite file, or a new PostgreSQL
//! database when TEST_DATABASE_URL / DATABASE_URL points at a server), spoken to over HTTP.

use appointments::domain::validation::Price;
use appointments::domain::{Role, TimeRange};
use appointments::server::auth::{create_account, NewAccount};
use appointments::server::config::Config;
use appointments::server::db::{services, Db};
use appointments::server::live::Live;
use appointments::server::{app, scheduling};
use chrono::{DateTime, Duration, NaiveTime, Utc};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU32, Ordering};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub engine: Engine,
    pub base: String,
    pub db: Db,
    pub config: Config,
    cleanup: Cleanup,
}

enum Cleanup {
    // Held only so the directory is removed when the app is dropped.
    File(#[allow(dead_code)] tempfile::TempDir),
    Database { admin_url: String, name: String },
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique_name() -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = Utc::now().timestamp_subsec_nanos();
    format!("appt_test_{}_{n}_{nanos}", std::process::id())
}

/// The PostgreSQL server to test against, if one is configured.
pub fn postgres_url() -> Option<String> {
    ["TEST_DATABASE_URL", "DATABASE_URL"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|url| url.starts_with("postgres://") || url.starts_with("postgresql://"))
}

fn with_database(url: &str, name: &str) -> String {
    let (base, _) = url.rsplit_once('/').expect("database URL has a path");
    format!("{base}/{name}")
}

impl TestApp {
    pub async fn start(engine: Engine) -> TestApp {
        let (url, cleanup) = match engine {
            Engine::Sqlite => {
                let dir = tempfile::Builder::new()
                    .prefix("appt_test_")
                    .tempdir()
                    .unwrap();
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                (url, Cleanup::File(dir))
            }
            Engine::Postgres => {
                let admin_url = postgres_url().expect("PostgreSQL URL");
                let name = unique_name();
                let admin = sqlx::PgPool::connect(&admin_url)
                    .await
                    .expect("connect to PostgreSQL");
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&admin)
                    .await
                    .unwrap();
                admin.close().await;
                (
                    with_database(&admin_url, &name),
                    Cleanup::Database { admin_url, name },
                )
            }
        };
        let mut config = Config::from_env().unwrap();
        config.database_url = url;
        config.session_secret = None;
        config.allowed_origins = vec![];
        // The tests' calendar servers listen on loopback.
        config.busy_feed_private_addresses = true;
        let db = app::open_database(&config).await.expect("open database");
        let base = serve(config.clone(), db.clone()).await;
        TestApp {
            engine,
            base,
            db,
            config,
            cleanup,
        }
    }

    /// Another app process on the same database (as after a restart, or behind a balancer).
    pub async fn second_process(&self) -> String {
        self.process_with(|_| {}).await
    }

    /// Another app process on the same database, with its configuration changed.
    pub async fn process_with(&self, change: impl FnOnce(&mut Config)) -> String {
        let mut config = self.config.clone();
        change(&mut config);
        let db = app::open_database(&config).await.unwrap();
        serve(config, db).await
    }

    pub async fn finish(self) {
        self.db.close().await;
        if let Cleanup::Database { admin_url, name } = &self.cleanup {
            if let Ok(admin) = sqlx::PgPool::connect(admin_url).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&admin)
                    .await;
            }
        }
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    pub fn client(&self) -> Client {
        Client::new(&self.base)
    }

    pub async fn account(&self, role: Role, name: &str, email: &str) -> i64 {
        let zone = if role == Role::Doctor {
            "Europe/Berlin"
        } else {
            "UTC"
        };
        let account = NewAccount {
            name,
            email,
            password: PASSWORD,
            role,
            time_zone: zone,
        };
        create_account(&self.db, account).await.unwrap().id
    }

    pub async fn service(&self, doctor_id: i64, name: &str, minutes: u32) -> i64 {
        self.service_with(doctor_id, name, minutes, |_| {}).await
    }

    /// A service with EUR 50.00 and no buffers, adjusted by `adjust` (buffers, step, video).
    pub async fn service_with(
        &self,
        doctor_id: i64,
        name: &str,
        minutes: u32,
        adjust: impl FnOnce(&mut services::ServiceFields<'_>),
    ) -> i64 {
        let price = Price::parse(5000, "EUR").unwrap();
        let mut fields = services::ServiceFields {
            name,
            description: "",
            duration_minutes: minutes,
            price: Some(&price),
            buffer_before_minutes: 0,
            buffer_after_minutes: 0,
            slot_step_minutes: None,
            video: false,
        };
        adjust(&mut fields);
        services::insert(&self.db, doctor_id, &fields, Utc::now().timestamp())
            .await
            .unwrap()
            .id
    }

    /// A span of availability on a day in the future, `hours` long from 09:00 UTC.
    pub async fn availability(&self, doctor_id: i64, hours: i64) -> TimeRange {
        let start = future_day_at(9);
        let span = TimeRange::new(start, start + Duration::hours(hours)).unwrap();
        scheduling::add_spans(&self.db, doctor_id, &[span], Utc::now())
            .await
            .unwrap();
        span
    }

    pub async fn count(&self, table: &str) -> i64 {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        self.db.scalar_i64(&sql).await.unwrap()
    }

    /// A doctor with a 30-minute service and 09:00-12:00 free on a future day, and a
    /// logged-in patient: the usual starting point.
    pub async fn clinic(&self) -> Clinic {
        let doctor_id = self
            .account(Role::Doctor, "Dr. Test", "doc@clinic.test")
            .await;
        let service_id = self.service(doctor_id, "Consultation", 30).await;
        let span = self.availability(doctor_id, 3).await;
        let patient = self.client();
        patient.register("Pat", "pat@example.test").await;
        let doctor = self.client();
        doctor.login("doc@clinic.test").await;
        Clinic {
            doctor_id,
            service_id,
            span,
            patient,
            doctor,
        }
    }
}

pub struct Clinic {
    pub doctor_id: i64,
    pub service_id: i64,
    pub span: TimeRange,
    pub patient: Client,
    pub doctor: Client,
}

impl Clinic {
    pub fn base_url(&self) -> &str {
        &self.patient.base
    }

    /// The patient books the first time of the span; returns the appointment's id.
    pub async fn book_first(&self) -> i64 {
        let reply = self
            .patient
            .post("book", self.booking(self.span.start()))
            .await;
        assert_eq!(reply.status, 200, "book: {}", reply.body);
        reply.body["id"].as_i64().unwrap()
    }

    /// The doctor's availability spans within the clinic's span, as the API lists them.
    pub async fn doctor_spans(&self) -> Value {
        let window = json!({ "from": self.span.start(), "to": self.span.end() });
        self.doctor.post("doctor/availability", window).await.body
    }

    pub fn booking(&self, starts_at: DateTime<Utc>) -> Value {
        json!({ "doctor_id": self.doctor_id, "service_id": self.service_id, "starts_at": starts_at, "notes": "" })
    }
}

pub const PASSWORD: &str = "correct horse battery";

/// 09:00 UTC (or another hour) ten days from now, on a weekday-independent date.
pub fn future_day_at(hour: u32) -> DateTime<Utc> {
    let day = (Utc::now() + Duration::days(10)).date_naive();
    day.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap())
        .and_utc()
}

async fn serve(config: Config, db: Db) -> String {
    let live = Live::start(&db).await.expect("live hub");
    let router = app::router(config, db, live).await.expect("router");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(appointments::server::listen::serve(
        listener,
        router,
        std::future::pending(),
    ));
    format!("http://{addr}")
}

/// An HTTP client with its own cookie jar: one browser, one user.
#[derive(Clone)]
pub struct Client {
    pub base: String,
    pub http: reqwest::Client,
}

pub struct Reply {
    pub status: u16,
    pub body: Value,
}

impl Reply {
    pub fn error_kind(&self) -> &str {
        self.body["error"].as_str().unwrap_or("")
    }
}

impl Client {
    pub fn new(base: &str) -> Client {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        Client {
            base: base.to_string(),
            http,
        }
    }

    pub fn on(&self, base: &str) -> Client {
        Client {
            base: base.to_string(),
            http: self.http.clone(),
        }
    }

    pub async fn post(&self, endpoint: &str, body: Value) -> Reply {
        self.post_with(endpoint, body, &[]).await
    }

    /// `post` with extra request headers (e.g. `Idempotency-Key`).
    pub async fn post_with(&self, endpoint: &str, body: Value, headers: &[(&str, &str)]) -> Reply {
        let mut request = self
            .http
            .post(format!("{}/api/{endpoint}", self.base))
            .json(&body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Reply { status, body }
    }

    pub async fn register(&self, name: &str, email: &str) -> Value {
        let reply = self.try_register(name, email, PASSWORD).await;
        assert_eq!(reply.status, 200, "register: {}", reply.body);
        reply.body
    }

    /// Registration, whatever the answer.
    pub async fn try_register(&self, name: &str, email: &str, password: &str) -> Reply {
        let body = json!({ "name": name, "email": email, "password": password });
        self.post("register", body).await
    }

    /// `appointment_status` with `action` ("confirm", "cancel", ...) and no reason.
    pub async fn act(&self, appointment_id: i64, action: &str) -> Reply {
        let body = json!({ "appointment_id": appointment_id, "action": action });
        self.post("appointment_status", body).await
    }

    /// `reschedule` to `starts_at`, without a reason.
    pub async fn reschedule(&self, appointment_id: i64, starts_at: DateTime<Utc>) -> Reply {
        let body = json!({ "appointment_id": appointment_id, "starts_at": starts_at });
        self.post("reschedule", body).await
    }

    pub async fn login(&self, email: &str) -> Value {
        let reply = self
            .post("login", json!({ "email": email, "password": PASSWORD }))
            .await;
        assert_eq!(reply.status, 200, "login: {}", reply.body);
        reply.body
    }
}

/// Runs one test body against SQLite, and against PostgreSQL when a server is configured.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    let app = $crate::support::TestApp::start($crate::support::Engine::Sqlite).await;
                    super::$name(&app).await;
                    app.finish().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    if $crate::support::postgres_url().is_none() {
                        // In CI a missing server must fail the run, not pass it quietly.
                        assert!(
                            std::env::var_os("CI").is_none(),
                            "CI is set but TEST_DATABASE_URL is not a postgres:// URL"
                        );
                        eprintln!("skipped: set TEST_DATABASE_URL=postgres://... to run on PostgreSQL");
                        return;
                    }
                    let app = $crate::support::TestApp::start($crate::support::Engine::Postgres).await;
                    super::$name(&app).await;
                    app.finish().await;
                }
            )*
        }
    };
}
