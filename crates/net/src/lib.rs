//! The store's server and its clients: the protocol (frames and messages), the server (socket,
//! identity, sessions, hub) and the client (`RemoteWorkbench`).

pub mod client;
pub mod protocol;
pub mod server;
