//! The `checksheet` command line: parses flags, calls the library, picks a
//! renderer and maps the outcome to an exit status (0 nothing to report,
//! 1 problems or differences found, 2 error).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use checksheet::catalog::{self, CatalogOptions};
use checksheet::render::{self, Format};
use checksheet::report;
use checksheet::source::ReadOptions;
use checksheet::submission::{has_responses, responses};

// Reading allocates a string per cell and the layout a record per row: a
// faster allocator than the system's is most of the difference on a large
// workbook.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "checksheet",
    version,
    about = "Make Excel checklists tractable: catalog, ingest, diff, migrate"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read a checklist in any layout and print its canonical item list.
    Catalog(CatalogArgs),
    /// Place vendor submissions on the canonical items: every answer, every problem.
    Ingest {
        /// The vendors' files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The canonical checklist (any checklist file, or a catalog exported by `catalog`).
        #[arg(long)]
        catalog: PathBuf,
        #[command(flatten)]
        align: AlignArgs,
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Carry last year's answers into the new revision's template.
    Migrate {
        /// Last year's submission (answered).
        old: PathBuf,
        /// The new revision's template.
        template: PathBuf,
        /// The migrated workbook to write (xlsx).
        #[arg(short, long)]
        output: PathBuf,
        /// Report format on stdout (default: a table on a terminal, else csv).
        #[arg(short, long, value_enum)]
        format: Option<FormatArg>,
        /// Write the report to this file instead of stdout.
        #[arg(long)]
        report: Option<PathBuf>,
        /// No notes, warnings or progress on stderr.
        #[arg(short, long)]
        quiet: bool,
        /// Leave cells beginning with = + - @ as they are in csv/tsv output.
        #[arg(long)]
        raw: bool,
        #[command(flatten)]
        align: AlignArgs,
        #[command(flatten)]
        input: InputArgs,
    },
    /// What changed between two checklist revisions, or two submissions.
    Diff {
        /// The old revision or submission.
        old: PathBuf,
        /// The new revision or submission.
        new: PathBuf,
        #[command(flatten)]
        align: AlignArgs,
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
}

#[derive(Args, Debug)]
struct CatalogArgs {
    /// The checklist: xlsx, xlsm, xlsb, xls, ods, csv, tsv or txt.
    file: PathBuf,
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Args)]
struct AlignArgs {
    /// csv of old_id,new_id pinning pairs (the csv output of diff is one).
    #[arg(long)]
    mapping: Option<PathBuf>,
    /// csv of notation,value adding answer notations (value: yes, partial, no, na).
    #[arg(long)]
    answers: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct InputArgs {
    /// Read only this sheet (its name or 1-based position).
    #[arg(long)]
    sheet: Option<String>,
    /// Text encoding of csv/tsv/txt input (default: BOM, UTF-8, else CP932).
    #[arg(long)]
    encoding: Option<String>,
}

#[derive(Args, Debug)]
struct OutputArgs {
    /// Output format (default: by the -o extension, else a table on a terminal, else csv).
    #[arg(short, long, value_enum)]
    format: Option<FormatArg>,
    /// Write the output to this file instead of stdout.
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// No notes, warnings or progress on stderr.
    #[arg(short, long)]
    quiet: bool,
    /// Leave cells beginning with = + - @ as they are in csv/tsv output.
    #[arg(long)]
    raw: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum FormatArg {
    Table,
    Csv,
    Tsv,
    Json,
    Jsonl,
    Xlsx,
    Md,
    Html,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Table => Format::Table,
            FormatArg::Csv => Format::Csv,
            FormatArg::Tsv => Format::Tsv,
            FormatArg::Json => Format::Json,
            FormatArg::Jsonl => Format::Jsonl,
            FormatArg::Xlsx => Format::Xlsx,
            FormatArg::Md => Format::Md,
            FormatArg::Html => Format::Html,
        }
    }
}

/// The command line. A catalog, the command run most often and on the
/// smallest files, is parsed against its own arguments alone: the full
/// parser first builds every command's arguments and their help (0.15 to
/// 0.25 ms of a 500-item catalog's 5 to 8, its code and memory touched for
/// the first time); alone, 30 to 70 µs less. Whatever does not parse so
/// (help, a mistake) goes through the full parser, whose messages speak of
/// the whole command line.
fn parse(args: Vec<std::ffi::OsString>) -> Cli {
    match parse_catalog(&args) {
        Some(catalog) => Cli {
            command: Command::Catalog(catalog),
        },
        None => Cli::parse_from(args),
    }
}

/// A `catalog` command line parsed against the catalog's arguments alone;
/// `None` for any other command line or one that does not parse so.
fn parse_catalog(args: &[std::ffi::OsString]) -> Option<CatalogArgs> {
    use clap::FromArgMatches as _;
    if args.get(1)? != "catalog" {
        return None;
    }
    let command = CatalogArgs::augment_args(clap::Command::new("catalog").no_binary_name(true));
    let matches = command.try_get_matches_from(&args[2..]).ok()?;
    CatalogArgs::from_arg_matches(&matches).ok()
}

fn main() -> ExitCode {
    let cli = parse(std::env::args_os().collect());
    // the other commands work in parallel, on workers that start on every
    // core (a catalog reads on two threads of its own)
    if !matches!(cli.command, Command::Catalog(_)) {
        checksheet::threads::start_pool();
    }
    // A diff, a dozen parallel steps one after the other, runs on one of
    // the workers. Ingest and migrate stay here: the workbooks they read one
    // at a time (the catalog, the old answers, the template) are read on a
    // thread of their own beside the laying out, which a worker does not do.
    let on_pool = matches!(cli.command, Command::Diff { .. });
    // A bug must still end in a clean error (exit 2), not a panic trace.
    std::panic::set_hook(Box::new(|_| {}));
    let code = match std::panic::catch_unwind(|| {
        if on_pool {
            checksheet::threads::on_pool(|| run(cli))
        } else {
            run(cli)
        }
    }) {
        Ok(Ok(code)) => code,
        Ok(Err(e)) => {
            eprintln!("error: {e}");
            2
        }
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            eprintln!("error: internal error ({what}); please report it with the input file");
            2
        }
    };
    leave(code)
}

/// End the process: everything `run` held is dropped and its outputs are in
/// place. Leaving at once skips the allocator's exit handler, which would
/// first walk its pages and hand the freed ones back to the system one range
/// at a time (nine `madvise` calls after a 500-item catalog), only for the
/// process's memory to be released whole an instant later.
#[cfg(target_os = "linux")]
fn leave(code: u8) -> ExitCode {
    // stderr is unbuffered; stdout is flushed here as `exit` would
    let _ = std::io::stdout().flush();
    // SAFETY: `_exit` ends the process; no destructor or other thread has
    // anything left to do (the reading threads were joined, files closed).
    unsafe { libc::_exit(i32::from(code)) }
}

#[cfg(not(target_os = "linux"))]
fn leave(code: u8) -> ExitCode {
    ExitCode::from(code)
}

/// The allocator's first reservation of address space. mimalloc reserves
/// 1 GiB at its first allocation and writes the bookkeeping of all of it
/// (bitmaps per size class) at once: some 65 pages touched before `main`, a
/// millisecond of a 500-item catalog on this machine, where every first touch
/// of a page is dear. 64 MiB is more than a small run needs; larger runs
/// reserve further, larger arenas as they grow (mimalloc doubles them), so a
/// 100,000-item diff is not slowed.
#[cfg(target_os = "linux")]
mod arena {
    /// mimalloc's `mi_option_arena_reserve` (in KiB), whose index
    /// libmimalloc-sys does not name: the 24th option of mimalloc 3's
    /// `mi_option_t` (`allocator_reserves_64_mib_first` checks it).
    pub const ARENA_RESERVE: libmimalloc_sys::mi_option_t = 23;
    pub const FIRST_ARENA_KIB: std::os::raw::c_long = 64 << 10;

    /// Run by the loader before mimalloc's own constructor (priority 101),
    /// so before its first reservation; it allocates nothing.
    #[used]
    #[link_section = ".init_array.00100"]
    static FIRST_ARENA: extern "C" fn() = first_arena;

    extern "C" fn first_arena() {
        // SAFETY: sets one entry of mimalloc's option table; nothing else
        // runs yet.
        unsafe { libmimalloc_sys::mi_option_set(ARENA_RESERVE, FIRST_ARENA_KIB) }
    }
}

/// Small memory pages only. mimalloc would otherwise ask the system for
/// transparent huge pages (2 MiB, each zeroed whole when first touched),
/// which double a small run's RSS. They made a large diff a tenth faster
/// when it ran again and again, each run on the pages the one before had
/// just freed; but a checklist is diffed once, after the machine has been
/// idle, and then memory is dear: a virtual machine such as the one this
/// is measured on hands the host back every free 2 MiB block after two
/// seconds (`virtio_balloon` free page reporting), and each block touched
/// again is the host's to fault in anew. Run after a pause of three
/// seconds, the 10,000-item diff took 116 ms on small pages against 240 on
/// huge ones, the 100,000-item diff 1.40 s against 2.02, the million-row
/// workbook 10.9 s against 12.4 s. So the process turns huge pages off
/// before its first allocation, where the system would otherwise give them.
#[cfg(target_os = "linux")]
mod pages {
    /// Run by the loader before `main`, before anything is allocated.
    #[used]
    #[link_section = ".init_array"]
    static SMALL_PAGES: extern "C" fn() = small_pages;

    extern "C" fn small_pages() {
        // SAFETY: PR_SET_THP_DISABLE sets a flag of this process; it takes
        // no pointer, and where the kernel lacks it the call fails harmlessly.
        unsafe {
            libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Catalog(CatalogArgs {
            file,
            input,
            output,
        }) => {
            let options = CatalogOptions {
                read: ReadOptions {
                    encoding: input.encoding,
                },
                sheet: input.sheet,
                ..CatalogOptions::default()
            };
            let format = output_format(&output)?;
            if let Some(rows) = format.rows() {
                return stream_catalog(&file, &options, rows, &output);
            }
            let cat = catalog::read(&file, &options)?;
            if !output.quiet {
                for d in &cat.diagnostics {
                    eprintln!("{d}");
                }
            }
            emit(&report::catalog(&cat), &output)?;
            let warned = cat.warnings().next().is_some();
            Ok(u8::from(warned))
        }
        Command::Migrate {
            old,
            template,
            output,
            format,
            report: report_path,
            quiet,
            raw,
            align,
            input,
        } => {
            let out = OutputArgs {
                format,
                output: report_path,
                quiet,
                raw,
            };
            migrate(&old, &template, &output, align, input, &out)
        }
        Command::Ingest {
            files,
            catalog: catalog_path,
            align,
            input,
            output,
        } => ingest(files, &catalog_path, align, input, &output),
        Command::Diff {
            old,
            new,
            align,
            input,
            output,
        } => {
            let options = catalog_options(input);
            let (old, new) = read_both(&old, &new, &options, output.quiet)?;
            let mapping = match &align.mapping {
                Some(path) => checksheet::source::mapping::read(path)?,
                None => Default::default(),
            };
            let vocabulary = match &align.answers {
                Some(path) => checksheet::source::mapping::read_answers(path)?,
                None => Default::default(),
            };
            let alignment = checksheet::align::align(&old.items, &new.items, &mapping);
            let submissions = has_responses(&old) && has_responses(&new);
            let responses =
                submissions.then(|| (responses(&old, &vocabulary), responses(&new, &vocabulary)));
            let pair = responses
                .as_ref()
                .map(|(a, b)| (a.as_slice(), b.as_slice()));
            let shared = checksheet::change::Shared::of(&old, &new);
            let diff = checksheet::change::diff(&old.items, &new.items, &alignment, shared, pair);
            match output_format(&output)?.rows() {
                // a table of rows is written as its rows are made, the
                // whole report never held
                Some(rows) => {
                    let written = render::rows::write_each(
                        rows,
                        &report::diff_columns(&diff),
                        output.raw,
                        diff.rows.len(),
                        |i| report::diff_row(&old, &new, &diff.rows[i], pair),
                        open_out(&output)?,
                    );
                    finish_out(written, &output)?;
                }
                None => {
                    let report = report::diff(&old, &new, &diff, pair);
                    emit(&report, &output)?;
                    // (the report borrows the lists' texts: it goes first)
                    std::mem::forget(report);
                }
            }
            let code = u8::from(diff.differs());
            // The process ends here: its memory goes back to the system at
            // once, without freeing every text of two lists one by one.
            std::mem::forget((diff, alignment, responses, old, new));
            Ok(code)
        }
    }
}

/// Read the catalog once and every submission in parallel; an unreadable
/// file is reported by name and the others still processed.
fn ingest(
    files: Vec<PathBuf>,
    catalog_path: &Path,
    align: AlignArgs,
    input: InputArgs,
    output: &OutputArgs,
) -> anyhow::Result<u8> {
    let options = catalog_options(input);
    let cat = catalog::read(
        catalog_path,
        &CatalogOptions {
            sheet: None,
            ..options.clone()
        },
    )?;
    let warnings = cat.warnings().count();
    if warnings > 0 && !output.quiet {
        eprintln!(
            "note: {}: {warnings} warnings reading the catalog (`checksheet catalog` shows them)",
            catalog_path.display()
        );
    }
    let vocabulary = match &align.answers {
        Some(path) => checksheet::source::mapping::read_answers(path)?,
        None => Default::default(),
    };
    let progress =
        (!output.quiet && std::io::stderr().is_terminal() && files.len() > 1).then(|| {
            let bar = indicatif::ProgressBar::new(files.len() as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} submissions {elapsed}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
    let reference = checksheet::ingest::Reference::new(&cat);
    let place = |file: &PathBuf| {
        let result = catalog::read(file, &options).map(|sub| {
            let responses = responses(&sub, &vocabulary);
            let orphans = checksheet::submission::of_records(&sub.orphans, &vocabulary);
            reference.ingest(&sub, &responses, &orphans)
        });
        if let Some(bar) = &progress {
            bar.inc(1);
        }
        result
    };
    let format = output_format(output)?;
    let outcome = match streamed_ingest(format) {
        Some(sink) => ingest_streamed(&cat, &files, &place, sink, output),
        None => ingest_collected(&cat, &files, &place, output),
    };
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let (failed, problems) = outcome?;
    Ok(if failed { 2 } else { u8::from(problems) })
}

/// Submissions read at a time: in parallel within a batch, their rows written
/// in file order, and nothing of a batch kept once written.
const INGEST_BATCH: usize = 32;

/// How a batch ingest writes its report as the results come.
#[derive(Clone, Copy)]
enum IngestSink {
    Rows(render::rows::RowFormat),
    Xlsx,
}

fn streamed_ingest(format: Format) -> Option<IngestSink> {
    match format {
        Format::Xlsx => Some(IngestSink::Xlsx),
        other => other.rows().map(IngestSink::Rows),
    }
}

/// Tell a submission's summary line, or its error.
fn tell(file: &Path, result: &Result<checksheet::ingest::Ingest, checksheet::Error>, quiet: bool) {
    match result {
        Ok(r) if !quiet => eprintln!("{}: {}", file.display(), report::summary_line(r)),
        Ok(_) => {}
        Err(e) => eprintln!("error: {e}"),
    }
}

/// Batch ingest with its report written as the results come: rows (csv, tsv,
/// json, jsonl) or the xlsx detail sheet streamed, the matrix and summary
/// kept (a few words per item and file). Submissions are read in parallel,
/// a batch at a time, while a thread of its own writes the batch before.
/// Returns (a file failed, problems found).
fn ingest_streamed(
    cat: &catalog::Catalog,
    files: &[PathBuf],
    place: &(dyn Fn(&PathBuf) -> Result<checksheet::ingest::Ingest, checksheet::Error> + Sync),
    sink: IngestSink,
    output: &OutputArgs,
) -> anyhow::Result<(bool, bool)> {
    use rayon::prelude::*;
    type Placed = (
        PathBuf,
        Result<checksheet::ingest::Ingest, checksheet::Error>,
    );
    if matches!(sink, IngestSink::Xlsx)
        && output.output.is_none()
        && std::io::stdout().is_terminal()
    {
        anyhow::bail!("xlsx output is binary: give -o FILE.xlsx");
    }
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Placed>>(1);
        let writer = scope.spawn(move || write_ingest(cat, files.len() > 1, rx, sink, output));
        for batch in files.chunks(INGEST_BATCH) {
            let results: Vec<_> = batch.par_iter().map(place).collect();
            let placed = batch.iter().cloned().zip(results).collect();
            if tx.send(placed).is_err() {
                // the writer stopped (its output failed): it says why
                break;
            }
        }
        drop(tx);
        writer
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("internal error writing the report")))
    })
}

/// The writing half of [`ingest_streamed`].
fn write_ingest(
    cat: &catalog::Catalog,
    several: bool,
    batches: std::sync::mpsc::Receiver<
        Vec<(
            PathBuf,
            Result<checksheet::ingest::Ingest, checksheet::Error>,
        )>,
    >,
    sink: IngestSink,
    output: &OutputArgs,
) -> anyhow::Result<(bool, bool)> {
    let mut header = report::ingest_header(cat, several);
    let mut rows = None;
    let mut xlsx = None;
    match sink {
        IngestSink::Rows(format) => {
            rows = Some(render::rows::RowWriter::new(
                format,
                &header.columns,
                output.raw,
                open_out(output)?,
            ));
        }
        IngestSink::Xlsx => xlsx = Some(render::xlsx::XlsxReport::new(&header)?),
    }
    let mut matrix = report::Matrix::of(cat);
    let (mut failed, mut problems, mut placed) = (false, false, 0usize);
    for batch in batches {
        for (file, result) in batch {
            tell(&file, &result, output.quiet);
            let Ok(result) = result else {
                failed = true;
                continue;
            };
            placed += 1;
            problems |= result.has_problems();
            let name = file.display().to_string();
            for row in report::ingest_rows(cat, &name, &result, several) {
                if let Some(w) = rows.as_mut() {
                    if let Err(e) = w.row(&row) {
                        if e.kind() == std::io::ErrorKind::BrokenPipe {
                            return Ok((failed, problems));
                        }
                        return Err(output_error(output, &e).into());
                    }
                }
                if let Some(x) = xlsx.as_mut() {
                    x.row(&row)?;
                }
            }
            header
                .summary
                .push((name.clone(), report::summary_line(&result)));
            header.inputs.push(name.clone());
            matrix.add(&name, &result);
        }
    }
    if placed == 0 {
        // nothing read: no report, as when nothing could be read at all
        return Ok((failed, problems));
    }
    if let Some(w) = rows {
        finish_out(w.finish(), output)?;
    }
    if let Some(x) = xlsx {
        let matrix = (several && placed > 1).then_some(&matrix);
        let bytes = x.finish(&header.inputs, &header.summary, matrix)?;
        write_bytes(&bytes, output.output.as_deref())?;
    }
    Ok((failed, problems))
}

/// Batch ingest for the reports people read on screen (table, markdown,
/// html), which need every result at once.
fn ingest_collected(
    cat: &catalog::Catalog,
    files: &[PathBuf],
    place: &(dyn Fn(&PathBuf) -> Result<checksheet::ingest::Ingest, checksheet::Error> + Sync),
    output: &OutputArgs,
) -> anyhow::Result<(bool, bool)> {
    use rayon::prelude::*;
    let results: Vec<_> = files.par_iter().map(place).collect();
    let mut failed = false;
    let mut done = Vec::new();
    for (file, result) in files.iter().zip(&results) {
        tell(file, result, output.quiet);
        match result {
            Ok(r) => done.push((file.display().to_string(), r)),
            Err(_) => failed = true,
        }
    }
    let problems = done.iter().any(|(_, r)| r.has_problems());
    if !done.is_empty() {
        emit(&report::ingest(cat, &done, files.len() > 1), output)?;
    }
    Ok((failed, problems))
}

/// Plan the migration, write the workbook (the template edited in place, or a
/// clean xlsx of it), then the report.
fn migrate(
    old_path: &Path,
    template_path: &Path,
    workbook_path: &Path,
    align: AlignArgs,
    input: InputArgs,
    output: &OutputArgs,
) -> anyhow::Result<u8> {
    use checksheet::migrate;
    use checksheet::render::template;
    let options = catalog_options(input);
    let old = read_catalog(old_path, &options, true)?;
    let vocabulary = match &align.answers {
        Some(path) => checksheet::source::mapping::read_answers(path)?,
        None => Default::default(),
    };
    let mapping = match &align.mapping {
        Some(path) => checksheet::source::mapping::read(path)?,
        None => Default::default(),
    };
    let bytes = std::fs::read(template_path).map_err(|e| {
        let kind = if e.kind() == std::io::ErrorKind::NotFound {
            checksheet::ErrorKind::Missing
        } else {
            checksheet::ErrorKind::Io(e)
        };
        checksheet::Error::at(template_path, kind)
    })?;
    let book = checksheet::source::read_bytes(template_path, bytes.clone(), &options.read)?;
    let new = catalog::from_book(
        template_path,
        &book,
        &CatalogOptions {
            sheet: None,
            ..options.clone()
        },
    )?;
    let old_responses = responses(&old, &vocabulary);
    let orphans = checksheet::submission::of_records(&old.orphans, &vocabulary);
    let plan = migrate::plan(&old, &old_responses, &orphans, &new, &mapping);
    let rep = report::migrate(&old, &new, &plan);
    let (workbook, fallback) =
        template::migrated_workbook(template_path, &bytes, &book, &new, &plan, &rep)?;
    if let (Some(why), false) = (fallback, output.quiet) {
        eprintln!(
            "note: {}: {why}; {} is a clean xlsx of its contents with the answers written in",
            template_path.display(),
            workbook_path.display()
        );
    }
    render::write_atomically(workbook_path, &workbook)?;
    if !output.quiet {
        let summary: Vec<String> = rep
            .summary
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        eprintln!("{}: {}", workbook_path.display(), summary.join(", "));
    }
    emit(&rep, output)?;
    Ok(u8::from(
        plan.moves
            .iter()
            .any(|m| m.action != migrate::Action::Carried),
    ))
}

fn catalog_options(input: InputArgs) -> CatalogOptions {
    CatalogOptions {
        read: ReadOptions {
            encoding: input.encoding,
        },
        sheet: input.sheet,
        ..CatalogOptions::default()
    }
}

/// Read two checklists side by side, then tell their notes and warnings
/// (the old one's first) unless quiet.
fn read_both(
    old: &Path,
    new: &Path,
    options: &CatalogOptions,
    quiet: bool,
) -> anyhow::Result<(catalog::Catalog, catalog::Catalog)> {
    let (old, new) = rayon::join(
        || catalog::read(old, options),
        || catalog::read(new, options),
    );
    let (old, new) = (old?, new?);
    if !quiet {
        for d in old.diagnostics.iter().chain(&new.diagnostics) {
            eprintln!("{d}");
        }
    }
    Ok((old, new))
}

/// Read a checklist, telling its notes and warnings unless quiet.
fn read_catalog(
    path: &Path,
    options: &CatalogOptions,
    quiet: bool,
) -> anyhow::Result<catalog::Catalog> {
    let cat = catalog::read(path, options)?;
    if !quiet {
        for d in &cat.diagnostics {
            eprintln!("{d}");
        }
    }
    Ok(cat)
}

/// The output file (written through a temporary file), or stdout.
fn open_out(output: &OutputArgs) -> anyhow::Result<render::Output> {
    Ok(render::Output::open(output.output.as_deref())?)
}

/// Put a finished output in place; a closed pipe is the end, not an error,
/// and a failed write names the output.
fn finish_out(written: std::io::Result<render::Output>, output: &OutputArgs) -> anyhow::Result<()> {
    match written {
        Ok(out) => out.finish()?,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => return Err(output_error(output, &e).into()),
    }
    Ok(())
}

/// A write to the output that failed, naming the output (`-`: stdout).
fn output_error(output: &OutputArgs, e: &std::io::Error) -> checksheet::Error {
    let to = output.output.as_deref().unwrap_or(Path::new("-"));
    checksheet::Error::at(to, checksheet::ErrorKind::Output(e.to_string()))
}

/// The catalog's items written as they are read, its diagnostics told as
/// they are found: a sheet of a million rows is never held whole.
struct CatalogWriter {
    rows: render::rows::RowWriter<render::Output>,
    /// Where the rows go (`-` for stdout), named in a write error.
    to: PathBuf,
    quiet: bool,
    /// The reader of stdout went away (`| head`): stop quietly.
    closed: bool,
}

impl CatalogWriter {
    fn fail(&mut self, e: std::io::Error) -> checksheet::Error {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            self.closed = true;
        }
        checksheet::Error::at(&self.to, checksheet::ErrorKind::Output(e.to_string()))
    }
}

impl catalog::Sink for CatalogWriter {
    fn item(
        &mut self,
        item: catalog::Item,
        _: checksheet::layout::RawRecord,
    ) -> checksheet::Result<()> {
        match self.rows.row(&report::item_row(&item)) {
            Ok(()) => Ok(()),
            Err(e) => Err(self.fail(e)),
        }
    }

    fn orphan(&mut self, _: checksheet::layout::RawRecord) -> checksheet::Result<()> {
        Ok(())
    }

    fn diagnostic(&mut self, d: checksheet::diagnostic::Diagnostic) -> checksheet::Result<()> {
        if !self.quiet {
            eprintln!("{d}");
        }
        Ok(())
    }
}

fn stream_catalog(
    file: &Path,
    options: &CatalogOptions,
    format: render::rows::RowFormat,
    output: &OutputArgs,
) -> anyhow::Result<u8> {
    let rows = render::rows::RowWriter::new(
        format,
        &report::CATALOG_COLUMNS,
        output.raw,
        open_out(output)?,
    );
    let mut writer = CatalogWriter {
        rows,
        to: output.output.clone().unwrap_or_else(|| PathBuf::from("-")),
        quiet: output.quiet,
        closed: false,
    };
    let outline = match catalog::stream(file, options, &mut writer) {
        Ok(outline) => outline,
        Err(_) if writer.closed => return Ok(0),
        Err(e) => return Err(e.into()),
    };
    finish_out(writer.rows.finish(), output)?;
    Ok(u8::from(outline.warnings > 0))
}

/// The format the flags ask for: `-f`, else the extension of `-o`, else a
/// table on a terminal and csv into a pipe.
fn output_format(output: &OutputArgs) -> anyhow::Result<Format> {
    Ok(match (output.format, &output.output) {
        (Some(f), _) => f.into(),
        (None, Some(path)) => Format::from_extension(path).ok_or_else(|| {
            anyhow::anyhow!(
                "{}: cannot tell the output format from the extension; give -f",
                path.display()
            )
        })?,
        (None, None) if std::io::stdout().is_terminal() => Format::Table,
        (None, None) => Format::Csv,
    })
}

/// Render a report where the flags say, in the format they ask for.
fn emit(report: &report::Report, output: &OutputArgs) -> anyhow::Result<()> {
    let stdout_tty = std::io::stdout().is_terminal();
    let format = output_format(output)?;
    if let Some(rows) = format.rows() {
        // rendered in slices and written as they are done
        let out = open_out(output)?;
        let written = render::rows::write_all(rows, &report.columns, output.raw, &report.rows, out);
        return finish_out(written, output);
    }
    let options = render::Options {
        raw: output.raw,
        color: stdout_tty && output.output.is_none() && std::env::var_os("NO_COLOR").is_none(),
        width: terminal_width(),
    };
    if output.output.is_none() && format.is_binary() && stdout_tty {
        anyhow::bail!("xlsx output is binary: give -o FILE.xlsx")
    }
    let bytes = render::render(report, format, &options)?;
    write_bytes(&bytes, output.output.as_deref())
}

/// An output's bytes to its file (through a temporary file), or to stdout.
fn write_bytes(bytes: &[u8], path: Option<&Path>) -> anyhow::Result<()> {
    match path {
        Some(path) => render::write_atomically(path, bytes)?,
        None => {
            let mut out = std::io::stdout().lock();
            if let Err(e) = out.write_all(bytes).and_then(|_| out.flush()) {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    let output = checksheet::ErrorKind::Output(e.to_string());
                    return Err(checksheet::Error::at(Path::new("-"), output).into());
                }
            }
        }
    }
    Ok(())
}

/// The terminal's width: `COLUMNS` when set, else what the terminal says.
fn terminal_width() -> Option<usize> {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .or_else(|| terminal_size::terminal_size().map(|(w, _)| w.0 as usize))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsString;

    fn argv(args: &[&str]) -> Vec<OsString> {
        std::iter::once("checksheet")
            .chain(args.iter().copied())
            .map(OsString::from)
            .collect()
    }

    #[test]
    fn a_catalog_parsed_alone_is_what_the_full_parser_makes_of_it() {
        let lines: &[&[&str]] = &[
            &["catalog", "list.xlsx"],
            &["catalog", "list.xlsx", "-f", "csv", "-q", "-o", "out.csv"],
            &[
                "catalog",
                "--sheet",
                "2",
                "--encoding",
                "cp932",
                "list.csv",
                "--raw",
            ],
            &["catalog", "-qf", "json", "list.xlsx"],
            &["catalog", "list.xlsx", "--format=tsv", "--output=out.tsv"],
            &["catalog", "--", "-list.xlsx"],
        ];
        for line in lines {
            let args = argv(line);
            let alone = parse_catalog(&args).expect("parsed alone");
            let Command::Catalog(full) = Cli::try_parse_from(&args).unwrap().command else {
                panic!("{line:?}: not a catalog");
            };
            assert_eq!(format!("{alone:?}"), format!("{full:?}"), "{line:?}");
        }
    }

    #[test]
    fn help_mistakes_and_other_commands_go_to_the_full_parser() {
        let lines: &[&[&str]] = &[
            &["catalog", "--help"],
            &["catalog", "-h"],
            &["catalog"],
            &["catalog", "list.xlsx", "-f", "docx"],
            &["catalog", "list.xlsx", "--unknown"],
            &["catalog", "a.xlsx", "b.xlsx"],
            &["diff", "old.xlsx", "new.xlsx"],
            &["--version"],
            &[],
        ];
        for line in lines {
            assert!(parse_catalog(&argv(line)).is_none(), "{line:?}");
        }
    }
}
