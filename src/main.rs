fn main() {
    std::process::exit(infralint::cli::main());
}
