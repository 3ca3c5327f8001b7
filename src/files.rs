//! Files glance reads and keeps for itself. What it reads from a path a
//! person names is a regular file (a FIFO or a device would block or never
//! end) of bounded size; what it keeps (the config and data directories,
//! the history, the line history, a new config file) is private to its
//! owner: directories 0700, files 0600, and existing ones tightened.
//! Returns values and errors; never prints.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read};
use std::path::Path;

/// Reads the regular file at `path`, refusing anything else (a FIFO, a
/// device, a directory) and anything over `cap` bytes, with an error that
/// says which.
pub fn read_capped(path: &Path, cap: u64) -> io::Result<Vec<u8>> {
    let metadata = fs::metadata(path)?;
    if !metadata.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "it is not a regular file",
        ));
    }
    let too_big = || {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("it is larger than {}", size(cap)),
        )
    };
    if metadata.len() > cap {
        return Err(too_big());
    }
    let mut bytes = Vec::new();
    File::open(path)?.take(cap + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(too_big());
    }
    Ok(bytes)
}

/// [`read_capped`] as UTF-8 text.
pub fn read_text_capped(path: &Path, cap: u64) -> io::Result<String> {
    String::from_utf8(read_capped(path, cap)?)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "it is not UTF-8 text"))
}

/// An error unless `path` is missing or a regular file.
pub fn regular_or_missing(path: &Path) -> io::Result<()> {
    match fs::metadata(path) {
        Ok(metadata) if !metadata.is_file() => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is not a regular file", path.display()),
        )),
        Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
        _ => Ok(()),
    }
}

/// Creates `dir` (and its parents) with owner-only access for the last
/// level; says whether an existing `dir` that others could enter was
/// tightened to 0700.
pub fn private_dir(dir: &Path) -> io::Result<bool> {
    let existed = dir.is_dir();
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)?;
    if existed {
        tighten(dir, 0o700)
    } else {
        Ok(false)
    }
}

/// Creates `path` (which must not exist) readable and writable by its owner only.
pub fn create_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Makes an existing file 0600; says whether it was open to others
/// before. A missing file is left missing.
pub fn private_file(path: &Path) -> io::Result<bool> {
    match fs::symlink_metadata(path) {
        Ok(metadata) if metadata.is_file() => tighten(path, 0o600),
        Ok(_) => Ok(false),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(error) => Err(error),
    }
}

/// Whether others can read or enter `path` (false when it is missing).
#[cfg(unix)]
pub fn is_loose(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::symlink_metadata(path)
        .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o077 != 0)
}

#[cfg(not(unix))]
pub fn is_loose(_: &Path) -> bool {
    false
}

#[cfg(unix)]
fn tighten(path: &Path, mode: u32) -> io::Result<bool> {
    use std::os::unix::fs::PermissionsExt;
    let current = fs::metadata(path)?.permissions().mode();
    if current & 0o077 == 0 {
        return Ok(false);
    }
    fs::set_permissions(path, fs::Permissions::from_mode(mode))?;
    Ok(true)
}

#[cfg(not(unix))]
fn tighten(_: &Path, _: u32) -> io::Result<bool> {
    Ok(false)
}

/// `cap` bytes in words.
fn size(cap: u64) -> String {
    match cap {
        cap if cap >= 1 << 20 && cap % (1 << 20) == 0 => format!("{} MiB", cap >> 20),
        cap if cap >= 1 << 10 && cap % (1 << 10) == 0 => format!("{} KiB", cap >> 10),
        cap => format!("{cap} bytes"),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("glance-files-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn reads_refuse_special_and_oversized_files() {
        let dir = scratch("read");
        fs::create_dir_all(&dir).unwrap();
        let file = dir.join("f");
        fs::write(&file, "12345").unwrap();
        assert_eq!(read_capped(&file, 5).unwrap(), b"12345");
        assert!(
            read_capped(&file, 4)
                .unwrap_err()
                .to_string()
                .contains("larger than 4 bytes")
        );
        let error = read_capped(Path::new("/dev/zero"), 1 << 20).unwrap_err();
        assert!(error.to_string().contains("not a regular file"), "{error}");
        assert!(read_capped(&dir, 10).is_err());
        assert!(regular_or_missing(&dir.join("none")).is_ok());
        assert!(regular_or_missing(&dir).is_err());
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn kept_files_are_private_and_loose_ones_are_tightened() {
        let dir = scratch("private");
        assert!(!private_dir(&dir.join("a")).unwrap());
        assert_eq!(mode(&dir.join("a")), 0o700);
        fs::set_permissions(dir.join("a"), fs::Permissions::from_mode(0o755)).unwrap();
        assert!(private_dir(&dir.join("a")).unwrap());
        assert_eq!(mode(&dir.join("a")), 0o700);
        let file = dir.join("a/f");
        drop(create_private(&file).unwrap());
        assert_eq!(mode(&file), 0o600);
        assert!(!private_file(&file).unwrap());
        fs::set_permissions(&file, fs::Permissions::from_mode(0o644)).unwrap();
        assert!(private_file(&file).unwrap());
        assert_eq!(mode(&file), 0o600);
        assert!(!private_file(&dir.join("a/none")).unwrap());
        fs::remove_dir_all(dir).unwrap();
    }
}
