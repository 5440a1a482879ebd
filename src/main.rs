// glibc's allocator grows per-thread arenas with mprotect calls that dominated short runs.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(infralint::cli::main());
}
