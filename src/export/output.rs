//! Writing output files atomically: a temporary file in the target folder,
//! flushed to disk, then renamed over the target. A failed build never
//! leaves a partial file and never replaces a good one.

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` atomically.
///
/// A path that already exists and is not a regular file (`/dev/stdout`, a
/// named pipe, `/dev/null`) is written to directly: renaming over it would
/// replace the device with a plain file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_with(path, bytes, || Ok(()))
}

/// [`write_atomic`], with `before_rename` run once the temporary file is
/// written and synced: the tests fail there to prove that a failure at the
/// last moment still leaves the previous file alone.
fn write_atomic_with(
    path: &Path,
    bytes: &[u8],
    before_rename: impl FnOnce() -> std::io::Result<()>,
) -> std::io::Result<()> {
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        let mut special = std::fs::OpenOptions::new().write(true).open(path)?;
        return special.write_all(bytes);
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        let message = format!("the folder {} does not exist; create it first", dir.display());
        return Err(std::io::Error::new(std::io::ErrorKind::NotFound, message));
    }
    // On any error below, `tmp` is dropped, which deletes the temporary file.
    let mut tmp =
        tempfile::Builder::new().prefix(".briefing-").suffix(".tmp").tempfile_in(dir).map_err(without_path)?;
    set_permissions(tmp.as_file(), path)?;
    tmp.write_all(bytes).map_err(without_path)?;
    tmp.as_file().sync_all()?;
    before_rename()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// tempfile appends the temporary file's name to its errors; the user named
/// the output, and the caller reports that name, so keep the reason alone
/// ("File too large", "No space left on device").
fn without_path(e: std::io::Error) -> std::io::Error {
    let message = e.to_string();
    match message.split_once(" at path ") {
        Some((reason, _)) => std::io::Error::new(e.kind(), reason.to_string()),
        None => e,
    }
}

/// Temporary files are private (0600); the result should be an ordinary
/// file, keeping the permissions of the file it replaces, or 0644.
#[cfg(unix)]
fn set_permissions(file: &std::fs::File, target: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let permissions = match std::fs::metadata(target) {
        Ok(existing) => existing.permissions(),
        Err(_) => std::fs::Permissions::from_mode(0o644),
    };
    file.set_permissions(permissions)
}

#[cfg(not(unix))]
fn set_permissions(_: &std::fs::File, _: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.pdf");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o644);
        }
    }

    /// A named pipe stands in for /dev/stdout or /dev/null, in a folder of
    /// our own so that a regression cannot replace a real device.
    #[cfg(unix)]
    #[test]
    fn special_files_are_written_to_not_replaced() {
        use std::io::Read;
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            panic!("mkfifo is needed for this test");
        }
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || {
                let mut text = String::new();
                std::fs::File::open(fifo).unwrap().read_to_string(&mut text).unwrap();
                text
            })
        };
        write_atomic(&fifo, b"through the pipe").unwrap();
        assert_eq!(reader.join().unwrap(), "through the pipe");
        assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    }

    #[test]
    fn a_failure_before_the_rename_keeps_the_previous_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.pdf");
        write_atomic(&path, b"previous good PDF").unwrap();
        let failed = write_atomic_with(&path, b"new PDF, fully written and synced", || {
            // The temporary file is complete at this point; the target is not yet touched.
            assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
            Err(std::io::Error::other("the disk was unplugged"))
        });
        assert_eq!(failed.unwrap_err().to_string(), "the disk was unplugged");
        assert_eq!(std::fs::read(&path).unwrap(), b"previous good PDF");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "a temporary file was left behind");
    }

    #[test]
    fn a_missing_folder_is_an_error_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing").join("out.pdf");
        assert!(write_atomic(&path, b"x").is_err());
        assert!(!path.exists());
    }
}
