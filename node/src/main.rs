//! The `dermis-node` executable: the command line, and (with no command) the desktop app.

fn main() {
    dermis_node::atrest::perms::private_umask();
    std::process::exit(dermis_node::cli::main());
}
