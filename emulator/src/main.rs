//! The `live-emulator` command: parses the command line (`live_emulator::cli`) and serves until
//! Ctrl-C or SIGTERM. A bad option, a state file it cannot read or an address it cannot listen
//! on is one line on stderr and exit code 2.

use std::io::ErrorKind;

use live_emulator::{Server, cli, shutdown_signal};

fn fail(problem: impl std::fmt::Display) -> ! {
    eprintln!("live-emulator: {problem}");
    std::process::exit(2)
}

#[tokio::main]
async fn main() {
    let options = match cli::parse_from(std::env::args_os()) {
        Ok(options) => options,
        // --help and --version: printed on stdout, exit 0.
        Err(e) if !e.use_stderr() => e.exit(),
        Err(e) => {
            eprintln!("{}", cli::error_line(&e));
            std::process::exit(2)
        }
    };
    let listen = options.listen;
    let server = match Server::bind(options).await {
        Ok(server) => server,
        // The state and the keys are read first, and their errors name them; these come from
        // the listener.
        Err(e)
            if matches!(
                e.kind(),
                ErrorKind::AddrInUse | ErrorKind::AddrNotAvailable | ErrorKind::PermissionDenied
            ) =>
        {
            fail(format_args!("cannot listen on {listen} (--listen): {e}"))
        }
        Err(e) => fail(e),
    };
    if let Err(e) = server.serve(shutdown_signal()).await {
        fail(e)
    }
}
