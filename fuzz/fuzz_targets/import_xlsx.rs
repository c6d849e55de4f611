//! Fuzz target: see `import_xlsx` in tests/fuzz_checks/mod.rs for what is checked.
#![no_main]

#[path = "../../tests/fuzz_checks/mod.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::import_xlsx(data));
