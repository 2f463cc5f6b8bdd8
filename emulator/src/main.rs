//! The `live-emulator` command: parses the command line and serves until Ctrl-C or SIGTERM.

use std::path::PathBuf;

use live_emulator::{Options, Server, shutdown_signal};
use live_lifecycle::Throttle;
use live_lifecycle::time::parse_utc;

fn usage(problem: &str) -> ! {
    eprintln!("live-emulator: {problem}");
    eprintln!(
        "usage: live-emulator [--listen ADDR] [--access-key ID:SECRET]... [--manual-clock TIME] [--state FILE] [--throttle documented|off] [--strict]"
    );
    std::process::exit(2)
}

fn options() -> Options {
    let mut o = Options::default();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || {
            args.next()
                .unwrap_or_else(|| usage(&format!("{flag} needs a value")))
        };
        match flag.as_str() {
            "--listen" => {
                o.listen = value()
                    .parse()
                    .unwrap_or_else(|_| usage("--listen takes HOST:PORT"))
            }
            "--access-key" => {
                let pair = value();
                let (id, secret) = pair
                    .split_once(':')
                    .filter(|(id, secret)| !id.is_empty() && !secret.is_empty())
                    .unwrap_or_else(|| usage("--access-key takes ID:SECRET"));
                o.keys.push((id.to_owned(), secret.to_owned()));
            }
            "--manual-clock" => {
                o.manual_clock = Some(
                    parse_utc(&value())
                        .unwrap_or_else(|_| usage("--manual-clock takes yyyy-MM-ddTHH:mm:ssZ")),
                )
            }
            "--state" => o.state = Some(PathBuf::from(value())),
            "--strict" => o.config.strict = true,
            "--throttle" => match value().as_str() {
                "documented" => o.config.throttle = Throttle::default(),
                "off" => o.config.throttle = Throttle::off(),
                _ => usage("--throttle takes documented or off"),
            },
            "--help" | "-h" => usage("help"),
            other => usage(&format!("unknown option {other}")),
        }
    }
    o
}

#[tokio::main]
async fn main() {
    let options = options();
    let served = match Server::bind(options).await {
        Ok(server) => server.serve(shutdown_signal()).await,
        Err(e) => Err(e),
    };
    if let Err(e) = served {
        eprintln!("live-emulator: {e}");
        std::process::exit(2);
    }
}
