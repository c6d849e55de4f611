//! Who is on the other end of a connection: the uid from the socket's peer credentials
//! (`SO_PEERCRED`, filled in by the kernel), turned into a user name with the system user
//! database. Nothing the client sends can change it (SPEC S2, R5).

/// The user name of a uid, `None` if the user database has no entry for it.
pub(crate) fn user_name(uid: u32) -> Option<String> {
    uzers::get_user_by_uid(uid).map(|u| u.name().to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::net::UnixStream;

    #[test]
    fn the_peer_of_a_socket_pair_is_this_process_user() {
        let (a, _b) = UnixStream::pair().unwrap();
        let cred = rustix::net::sockopt::socket_peercred(&a).unwrap();
        assert_eq!(cred.uid.as_raw(), uzers::get_current_uid());
        assert_eq!(
            user_name(cred.uid.as_raw()),
            uzers::get_current_username().map(|n| n.to_string_lossy().into_owned())
        );
    }
}
