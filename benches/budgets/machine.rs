//! A one-paragraph description of the machine a run measured.

use std::path::Path;

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

pub fn cpu_model() -> String {
    read("/proc/cpuinfo")
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|| "?".into())
}

pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

pub fn mem_gib() -> f64 {
    read("/proc/meminfo")
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0 / 1024.0)
}

pub fn load() -> String {
    read("/proc/loadavg")
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The file system of `dir` as `/proc/self/mounts` names it, and whether its disk rotates.
pub fn disk_of(dir: &Path) -> String {
    let mounts = read("/proc/self/mounts");
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let found = mounts
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let (dev, at, ty) = (f.next()?, f.next()?, f.next()?);
            dir.starts_with(at)
                .then(|| (at.len(), dev.to_string(), ty.to_string()))
        })
        .max_by_key(|(n, _, _)| *n);
    let Some((_, dev, ty)) = found else {
        return "?".into();
    };
    let name = dev.trim_start_matches("/dev/");
    let base: String = name
        .trim_end_matches(|c: char| c.is_ascii_digit())
        .to_string();
    let rot = read(&format!("/sys/block/{base}/queue/rotational"));
    let kind = match rot.trim() {
        "0" => ", non-rotating",
        "1" => ", rotating",
        _ => "",
    };
    format!("{ty} on {dev}{kind}")
}

pub fn describe(target: &Path) -> String {
    format!(
        "{} cores of {} · {:.1} GiB RAM · disk: {} · load average at start: {}",
        cores(),
        cpu_model(),
        mem_gib(),
        disk_of(target),
        load()
    )
}
