//! The `dermis-node` executable: the command line, and (with no command) the desktop app.

fn main() {
    std::process::exit(dermis_node::cli::main());
}
