//! Who is on the other end of a connection: the uid from the socket's peer credentials
//! (`SO_PEERCRED`, filled in by the kernel), turned into a user name with the system user
//! database. Nothing the client sends can change it (SPEC S2, R5).

/// The user name of a uid: `Ok(None)` if the user database has no entry for it, `Err` when it
/// could not be read (out of file descriptors, an I/O error): that says nothing about the user,
/// and must not be told as "unknown user".
pub(crate) fn user_name(uid: u32) -> std::io::Result<Option<String>> {
    let mut buf = vec![0u8; 1024];
    loop {
        // SAFETY: `pwd` and `buf` outlive the call; getpwuid_r writes only within them and sets
        // `result` to null or to `&pwd`.
        let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        let rc = unsafe {
            libc::getpwuid_r(
                uid,
                &mut pwd,
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut result,
            )
        };
        if rc == libc::ERANGE && buf.len() < 1 << 20 {
            buf.resize(buf.len() * 4, 0);
            continue;
        }
        if !result.is_null() {
            // SAFETY: on success `pw_name` points to a NUL-terminated string inside `buf`.
            let name = unsafe { std::ffi::CStr::from_ptr(pwd.pw_name) };
            return Ok(Some(name.to_string_lossy().into_owned()));
        }
        return match rc {
            // "Not found" (getpwuid_r(3): 0, or one of these for some databases).
            0 | libc::ENOENT | libc::ESRCH | libc::EBADF | libc::EPERM => Ok(None),
            e => Err(std::io::Error::from_raw_os_error(e)),
        };
    }
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
            user_name(cred.uid.as_raw()).unwrap(),
            uzers::get_current_username().map(|n| n.to_string_lossy().into_owned())
        );
    }

    #[test]
    fn a_uid_with_no_entry_is_none() {
        assert_eq!(user_name(4_000_000_123).unwrap(), None);
    }
}
