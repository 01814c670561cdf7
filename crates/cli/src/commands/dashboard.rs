//! `bunraku dashboard`: the report dashboard (puppet-dashboard's port 3000), its migrations and users.

use clap::{Args, Subcommand};

use super::{fail, load_settings};
use crate::logging::{self, Verbosity};
use crate::settings::RunMode;
use crate::Common;

#[derive(Args, Debug)]
pub struct DashboardArgs {
    #[command(flatten)]
    common: Common,
    /// Address to listen on (`127.0.0.1` keeps the dashboard to this machine).
    #[arg(long, default_value = "0.0.0.0")]
    bind: std::net::IpAddr,
    /// Port to listen on.
    #[arg(long, default_value_t = 3000)]
    port: u16,
    /// `sqlite://PATH` (default: a file in the vardir), `mysql://…` or `postgres://…`.
    #[arg(long)]
    database: Option<String>,
    #[command(subcommand)]
    action: Option<DashboardAction>,
}

#[derive(Subcommand, Debug)]
enum DashboardAction {
    /// Bring the database schema up to date (also done on every start).
    Migrate,
    /// Manage dashboard users.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
}

#[derive(Subcommand, Debug)]
enum UserAction {
    /// Create a user (or reset its password and role); the password is read from stdin.
    Add {
        name: String,
        #[arg(long, default_value = "viewer")]
        role: String,
    },
}

pub fn run(args: DashboardArgs) -> u8 {
    logging::init(Verbosity::from_flags(args.common.verbose, args.common.debug));
    let settings = match load_settings(&args.common, RunMode::Server, Vec::new()) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let vardir = settings.path("vardir");
    let url = args.database.clone().unwrap_or_else(|| bunraku_dashboard::default_database_url(&vardir));
    if url.starts_with("sqlite://") {
        if let Err(e) = std::fs::create_dir_all(&vardir) {
            return fail(format!("{}: {e}", vardir.display()));
        }
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => return fail(format!("could not start the async runtime: {e}")),
    };
    let result = runtime.block_on(async {
        match args.action {
            None => {
                bunraku_dashboard::serve(bunraku_dashboard::Config::for_cli(
                    std::net::SocketAddr::new(args.bind, args.port),
                    Some(url),
                    &vardir,
                ))
                .await
            }
            Some(DashboardAction::Migrate) => bunraku_dashboard::migrate(&url).await,
            Some(DashboardAction::User { action: UserAction::Add { name, role } }) => {
                let mut password = String::new();
                if let Err(e) = std::io::stdin().read_line(&mut password) {
                    return Err(bunraku_dashboard::DashboardError::from(e));
                }
                bunraku_dashboard::add_user(&url, &name, password.trim_end_matches(['\r', '\n']), &role).await
            }
        }
    });
    match result {
        Ok(()) => 0,
        Err(e) => fail(e),
    }
}
