//! Renderers: a [`Report`] written as csv, tsv, json, jsonl, a terminal
//! table, markdown or xlsx.
//!
//! Outputs to a file are written to a temporary file beside the target and
//! renamed, so a failing run leaves an existing output untouched.

mod delimited;
mod html;
pub mod inline;
mod json;
mod markdown;
pub mod rows;
mod table;
pub mod template;
pub mod xlsx;

use std::io::Write;
use std::path::Path;

use crate::error::{Error, ErrorKind, Result};
use crate::report::Report;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
    Tsv,
    Json,
    Jsonl,
    Xlsx,
    Md,
    Html,
}

impl Format {
    /// The format a file name asks for by its extension.
    pub fn from_extension(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "csv" => Format::Csv,
            "tsv" | "tab" | "txt" => Format::Tsv,
            "json" => Format::Json,
            "jsonl" | "ndjson" => Format::Jsonl,
            "xlsx" => Format::Xlsx,
            "md" | "markdown" => Format::Md,
            "html" | "htm" => Format::Html,
            _ => return None,
        })
    }

    pub fn is_binary(self) -> bool {
        self == Format::Xlsx
    }

    /// The formats written row by row as the rows come.
    pub fn rows(self) -> Option<rows::RowFormat> {
        match self {
            Format::Csv => Some(rows::RowFormat::Csv),
            Format::Tsv => Some(rows::RowFormat::Tsv),
            Format::Json => Some(rows::RowFormat::Json),
            Format::Jsonl => Some(rows::RowFormat::Jsonl),
            _ => None,
        }
    }
}

/// Where an output written as it comes goes: a file (through a temporary
/// file beside it, put in place by [`Output::finish`]) or stdout.
pub enum Output {
    File(AtomicFile),
    Stdout(std::io::BufWriter<std::io::StdoutLock<'static>>),
}

impl Output {
    /// The file at `path`, or stdout when there is none.
    ///
    /// # Errors
    /// `Output` when the file's folder is missing or not writable.
    pub fn open(path: Option<&Path>) -> Result<Output> {
        Ok(match path {
            Some(path) => Output::File(AtomicFile::create(path)?),
            None => Output::Stdout(std::io::BufWriter::with_capacity(
                1 << 16,
                std::io::stdout().lock(),
            )),
        })
    }

    /// Put a file in place (stdout is flushed as it is written).
    ///
    /// # Errors
    /// `Output` when the file cannot be written out or renamed.
    pub fn finish(self) -> Result<()> {
        match self {
            Output::File(f) => f.commit(),
            Output::Stdout(_) => Ok(()),
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Output::File(f) => f.write(buf),
            Output::Stdout(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Output::File(f) => f.flush(),
            Output::Stdout(s) => s.flush(),
        }
    }
}

/// How to render.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Leave cells beginning with `= + - @` as they are in csv/tsv.
    pub raw: bool,
    /// Colour the terminal table.
    pub color: bool,
    /// Terminal width for the table, if known.
    pub width: Option<usize>,
}

/// Render a report into bytes.
///
/// # Errors
/// Only xlsx rendering can fail (an internal limit of the xlsx writer).
pub fn render(report: &Report, format: Format, options: &Options) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    match format {
        Format::Csv => delimited::write(report, rows::RowFormat::Csv, options, &mut out),
        Format::Tsv => delimited::write(report, rows::RowFormat::Tsv, options, &mut out),
        Format::Json => json::write(report, false, &mut out),
        Format::Jsonl => json::write(report, true, &mut out),
        Format::Md => markdown::write(report, &mut out),
        Format::Html => html::write(report, &mut out),
        Format::Table => table::write(report, options, &mut out),
        Format::Xlsx => return xlsx::write(report),
    }
    .map_err(|e| Error::at(Path::new("-"), ErrorKind::Output(e.to_string())))?;
    Ok(out)
}

/// Write bytes to `path` through a temporary file in the same folder.
///
/// # Errors
/// `Output` when the folder is missing or not writable.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(bytes)
        .map_err(|e| Error::at(path, ErrorKind::Output(e.to_string())))?;
    file.commit()
}

/// An output file written through a temporary file beside it and renamed
/// into place by [`AtomicFile::commit`]; dropped without a commit (a failing
/// run), the temporary file is removed and an existing output left as it was.
/// An output that exists and is no regular file (`/dev/stdout`, a named
/// pipe, a device) is written directly: renaming over it would replace it.
pub struct AtomicFile {
    path: std::path::PathBuf,
    /// The temporary file; `None` when writing directly.
    tmp: Option<std::path::PathBuf>,
    file: Option<std::io::BufWriter<std::fs::File>>,
}

impl AtomicFile {
    /// # Errors
    /// `Output` when the folder is missing or not writable.
    pub fn create(path: &Path) -> Result<AtomicFile> {
        let fail = |why: String| Error::at(path, ErrorKind::Output(why));
        let buffered = |file| Some(std::io::BufWriter::with_capacity(1 << 16, file));
        if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|e| fail(e.to_string()))?;
            return Ok(AtomicFile {
                path: path.to_path_buf(),
                tmp: None,
                file: buffered(file),
            });
        }
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => std::path::PathBuf::from("."),
        };
        if !dir.is_dir() {
            return Err(fail(format!("the folder {} does not exist", dir.display())));
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".into());
        let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let file = std::fs::File::create(&tmp).map_err(|e| fail(e.to_string()))?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            tmp: Some(tmp),
            file: buffered(file),
        })
    }

    /// Put the file in place.
    ///
    /// # Errors
    /// `Output` when it cannot be written out or renamed.
    pub fn commit(mut self) -> Result<()> {
        let Some(file) = self.file.take() else {
            return Ok(());
        };
        // the rename makes the file whole or absent under its name; no
        // fsync: durability across a power cut is not what is promised
        let written = file.into_inner().map_err(|e| e.into_error());
        let placed = written.and_then(|file| {
            drop(file);
            match &self.tmp {
                Some(tmp) => replace(tmp, &self.path),
                None => Ok(()),
            }
        });
        placed.map_err(|e| {
            // no temporary file is left beside an output that failed
            if let Some(tmp) = &self.tmp {
                let _ = std::fs::remove_file(tmp);
            }
            Error::at(&self.path, ErrorKind::Output(e.to_string()))
        })
    }
}

/// Put `tmp` in place of `path`, as a rename does. Where `path` is a file
/// already, the two are swapped (`renameat2` with `RENAME_EXCHANGE`) and the
/// old one, now under the temporary name, is removed. A rename over an
/// existing file makes ext4 start writing the new one out at once (its guard
/// for programs that replace files without fsync), and removing a file while
/// it is being written out waits for that: a command run again onto the same
/// output paid for the write-out of the run before (an 8 MB report: 9 ms
/// instead of 3). Where no swap is possible (no file there, a filesystem or
/// system without it), a plain rename.
fn replace(tmp: &Path, path: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::ffi::OsStrExt;
        let c = |p: &Path| std::ffi::CString::new(p.as_os_str().as_bytes()).ok();
        // a folder under the name is left to rename to refuse
        let there = std::fs::symlink_metadata(path).is_ok_and(|m| !m.is_dir());
        if let (true, Some(from), Some(to)) = (there, c(tmp), c(path)) {
            // SAFETY: two NUL-terminated paths that live across the call.
            let swapped = unsafe {
                libc::renameat2(
                    libc::AT_FDCWD,
                    from.as_ptr(),
                    libc::AT_FDCWD,
                    to.as_ptr(),
                    libc::RENAME_EXCHANGE,
                )
            } == 0;
            if swapped {
                // The new file is in place; the old one is left under the
                // temporary name. Should it fail to go, the output is still
                // whole: a stray temporary file is no reason to fail.
                let _ = std::fs::remove_file(tmp);
                return Ok(());
            }
        }
    }
    std::fs::rename(tmp, path)
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.file {
            Some(f) => f.write(buf),
            None => Err(std::io::Error::other("the output is closed")),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.file {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if let (Some(_), Some(tmp)) = (self.file.take(), &self.tmp) {
            let _ = std::fs::remove_file(tmp);
        }
    }
}
