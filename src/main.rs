use appointments::server::{app, cli, config::Config, listen, live::Live, seed};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = cli::parse(&args)?;
    let config = Config::from_env()?;
    let db = app::open_database(&config).await?;
    if let cli::Command::CreateUser { .. } = command {
        let password = cli::read_password()?;
        println!("{}", cli::create_user(&db, command, &password).await?);
        return Ok(());
    }
    if config.seed_demo_data && seed::seed_if_empty(&db).await.map_err(|e| e.to_string())? {
        println!("Seeded demo data.");
    }
    if config.seed_demo_data {
        seed::print_demo_logins();
    }
    let addr = config.listen_addr;
    let live = Live::start(&db).await?;
    app::start_background_work(&config, &db).await?;
    let router = app::router(config, db, live.clone()).await?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    println!("Appointments is running at http://{addr}");
    let stop = async move {
        listen::stop_signal().await;
        // Open live streams end, so their connections drain like any other.
        live.close();
    };
    listen::serve(listener, router, stop).await;
    Ok(())
}
