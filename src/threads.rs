//! Threads that start on a core of their own.
//!
//! Reading overlaps with laying out, and a diff reads its two lists at once,
//! only if the second thread runs beside the first from its start. On the
//! 2-core virtual machines this project is measured on, Linux places a new
//! thread on the core of the thread that spawned it and moves it to the idle
//! core only at the next load balance, one to three milliseconds later (in
//! 12 spawns of a thread doing a millisecond of work beside its parent, 9
//! ran on the parent's core and took two milliseconds; placed, all 12 ran
//! beside it in 1.1 ms): the whole overlap of a 500-item catalog. So a
//! thread spawned here is put on another core than its parent's at once (its
//! affinity narrowed to that core, then widened again to every core the
//! process may use, which moves nothing), and rayon's workers on the cores
//! in turn. A thread may also move itself to a core ([`move_to`]): the
//! laying-out thread of a catalog goes to the reading thread's core for the
//! rows left once that one is done. Where the process may use one
//! core only, or the system has no affinity (other than Linux), nothing is
//! done. This module only places threads; what they do is the callers'.

/// Run `other` on a thread of its own, started on another core than this
/// thread's, and `here` on this thread; return both results once both are
/// done (`Err` for `other` where it panicked). As `std::thread::scope`, the
/// two may borrow from the caller: the thread is always joined before this
/// returns, even when `here` panics.
///
/// # Errors
/// Where the system refuses a thread (`here` is not run then).
pub fn beside<A, RA, B, RB>(other: A, here: B) -> std::io::Result<(std::thread::Result<RA>, RB)>
where
    A: FnOnce() -> RA + Send,
    RA: Send,
    B: FnOnce() -> RB,
{
    // SAFETY: the thread may borrow what `other` borrows because `Joined`,
    // made at once, joins it before this function returns or unwinds, and
    // the guard is local: nothing can forget it.
    let guard = Joined(Some(unsafe {
        std::thread::Builder::new().spawn_unchecked(other)
    }?));
    #[cfg(target_os = "linux")]
    if let Some(handle) = &guard.0 {
        use std::os::unix::thread::JoinHandleExt;
        linux::place(handle.as_pthread_t(), linux::Core::NotThis);
    }
    let mine = here();
    Ok((guard.join(), mine))
}

/// The core the calling thread runs on, where the system can tell.
pub fn current_core() -> Option<usize> {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: no arguments; -1 on failure.
        usize::try_from(unsafe { libc::sched_getcpu() }).ok()
    }
    #[cfg(not(target_os = "linux"))]
    None
}

/// Move the calling thread to `core` at once, where it may run (a core the
/// process may not use, or a system without affinity: nothing is done); the
/// scheduler may move it anywhere again later.
pub fn move_to(core: usize) {
    #[cfg(target_os = "linux")]
    // SAFETY: the calling thread's own handle, alive while it runs.
    linux::place(unsafe { libc::pthread_self() }, linux::Core::Id(core));
    #[cfg(not(target_os = "linux"))]
    let _ = core;
}

/// A thread joined when dropped, so that it never outlives what it borrows:
/// on the way out of [`beside`], returning or unwinding.
struct Joined<T>(Option<std::thread::JoinHandle<T>>);

impl<T> Joined<T> {
    fn join(mut self) -> std::thread::Result<T> {
        match self.0.take() {
            Some(handle) => handle.join(),
            None => Err(Box::new("the thread was joined already")),
        }
    }
}

impl<T> Drop for Joined<T> {
    fn drop(&mut self) {
        if let Some(handle) = self.0.take() {
            let _ = handle.join();
        }
    }
}

/// Make rayon's global pool, its workers placed on the cores in turn. Call it
/// before anything uses rayon; once the pool exists (or if it cannot be made)
/// this does nothing and rayon makes its own.
pub fn start_pool() {
    let mut next = 0usize;
    let _ = rayon::ThreadPoolBuilder::new()
        .spawn_handler(move |worker| {
            let mut builder = std::thread::Builder::new()
                .name(worker.name().unwrap_or("checksheet-worker").to_owned());
            if let Some(size) = worker.stack_size() {
                builder = builder.stack_size(size);
            }
            let handle = builder.spawn(move || worker.run())?;
            #[cfg(target_os = "linux")]
            {
                use std::os::unix::thread::JoinHandleExt;
                linux::place(handle.as_pthread_t(), linux::Core::Nth(next));
            }
            next += 1;
            Ok(())
        })
        .build_global();
}

/// Run `op` on one of rayon's workers, the calling thread waiting for it.
/// Every parallel step `op` takes then starts where a worker already runs:
/// the step's first half runs on at once, only the idle worker is woken for
/// the second. Called from a thread outside the pool (`main`), each step
/// would be handed to the pool instead, both workers woken and the caller
/// woken again when the step is done (a third thread taking turns on two
/// cores, at every one of a diff's dozen steps): the 10,000-item diff took
/// 3 to 6 % longer so. A workbook read on a worker is read without a
/// reading thread beside it (`source::excel`): work that reads one large
/// workbook on its own is better left off the pool.
pub fn on_pool<R: Send>(op: impl FnOnce() -> R + Send) -> R {
    // (a scope made outside the pool runs its body on a worker)
    rayon::scope(|_| op())
}

#[cfg(target_os = "linux")]
mod linux {
    /// Which core a thread is to start on, among those the process may use.
    #[derive(Clone, Copy)]
    pub enum Core {
        /// Any but the calling thread's.
        NotThis,
        /// The n-th (modulo their number).
        Nth(usize),
        /// This one, if the process may use it.
        Id(usize),
    }

    /// Narrow `thread`'s affinity to `core`, which moves it there if it has
    /// not run yet, then widen it again to the calling thread's cores.
    pub fn place(thread: libc::pthread_t, core: Core) {
        if let Some(allowed) = narrow(thread, core) {
            widen(thread, &allowed);
        }
    }

    /// Let `thread` run on `core` only; the cores it may use before, or
    /// `None` where there is no other core to choose or the system refuses.
    fn narrow(thread: libc::pthread_t, core: Core) -> Option<libc::cpu_set_t> {
        let size = std::mem::size_of::<libc::cpu_set_t>();
        // SAFETY: cpu_set_t is plain bits, valid when zeroed; the calls get
        // its true size; `thread` is a live thread whose handle the caller
        // holds, so it is neither joined nor detached during the calls.
        unsafe {
            let mut allowed: libc::cpu_set_t = std::mem::zeroed();
            if libc::pthread_getaffinity_np(libc::pthread_self(), size, &mut allowed) != 0 {
                return None;
            }
            let cores: Vec<usize> = (0..libc::CPU_SETSIZE as usize)
                .filter(|&c| libc::CPU_ISSET(c, &allowed))
                .collect();
            let here = usize::try_from(libc::sched_getcpu()).ok();
            let start = match core {
                Core::NotThis => cores.iter().copied().find(|&c| Some(c) != here),
                Core::Nth(n) if cores.len() > 1 => Some(cores[n % cores.len()]),
                Core::Nth(_) => None,
                Core::Id(id) => cores.contains(&id).then_some(id),
            }?;
            let mut one: libc::cpu_set_t = std::mem::zeroed();
            libc::CPU_SET(start, &mut one);
            (libc::pthread_setaffinity_np(thread, size, &one) == 0).then_some(allowed)
        }
    }

    /// Let `thread` run on the `allowed` cores again.
    fn widen(thread: libc::pthread_t, allowed: &libc::cpu_set_t) {
        // SAFETY: as in `narrow`.
        unsafe {
            libc::pthread_setaffinity_np(thread, std::mem::size_of::<libc::cpu_set_t>(), allowed);
        }
    }

    #[cfg(test)]
    mod tests {
        use std::os::unix::thread::JoinHandleExt;

        /// The core a thread runs on, or None where the system cannot tell.
        fn core() -> Option<usize> {
            // SAFETY: no arguments; -1 on failure.
            usize::try_from(unsafe { libc::sched_getcpu() }).ok()
        }

        /// The cores the calling thread may use.
        fn allowed() -> Vec<usize> {
            // SAFETY: as in `narrow`.
            unsafe {
                let mut set: libc::cpu_set_t = std::mem::zeroed();
                libc::pthread_getaffinity_np(
                    libc::pthread_self(),
                    std::mem::size_of::<libc::cpu_set_t>(),
                    &mut set,
                );
                (0..libc::CPU_SETSIZE as usize)
                    .filter(|&c| libc::CPU_ISSET(c, &set))
                    .collect()
            }
        }

        /// A thread moved to a core runs there at once, and may still use
        /// every core afterwards; a core the process may not use is no move.
        /// (Widened again, a thread may be moved on by the scheduler before
        /// it looks where it runs: each move gets a few tries.)
        #[test]
        fn a_thread_moves_to_the_core_it_is_sent_to() {
            std::thread::spawn(|| {
                let cores = allowed();
                if core().is_none() {
                    eprintln!("no way to tell the core: nothing to move");
                    return;
                }
                for &c in &cores {
                    let arrived = (0..3).any(|_| {
                        crate::threads::move_to(c);
                        crate::threads::current_core() == Some(c)
                    });
                    assert!(arrived, "never found on core {c} after moving there");
                    assert_eq!(allowed(), cores, "widened again");
                }
                // SAFETY: this thread's own handle, alive while it runs.
                let me = unsafe { libc::pthread_self() };
                let nowhere = libc::CPU_SETSIZE as usize + 1;
                assert!(super::narrow(me, super::Core::Id(nowhere)).is_none());
                crate::threads::move_to(nowhere);
                assert_eq!(allowed(), cores, "left on every core");
            })
            .join()
            .unwrap();
        }

        /// A thread that has not run yet starts on the core it is narrowed
        /// to (another than its parent's, or the n-th), and once widened
        /// may use every core its parent may. (Which core a thread then
        /// goes to is the scheduler's: on the machines measured here, a new
        /// thread left alone mostly starts on its parent's core.)
        #[test]
        fn a_narrowed_thread_starts_there_and_is_widened_again() {
            let cores = allowed();
            if cores.len() < 2 || core().is_none() {
                eprintln!("one core, or no way to tell: nothing to place");
                return;
            }
            for n in 0..cores.len() + 1 {
                let gate = std::sync::Arc::new(std::sync::Barrier::new(2));
                let wait = gate.clone();
                let child = std::thread::spawn(move || {
                    wait.wait();
                    (core(), allowed())
                });
                let thread = child.as_pthread_t();
                let parent = core();
                let to = if n < cores.len() {
                    super::Core::Nth(n)
                } else {
                    super::Core::NotThis
                };
                let before = super::narrow(thread, to).expect("the thread is narrowed");
                // SAFETY: a set filled by the system.
                assert_eq!(unsafe { libc::CPU_COUNT(&before) } as usize, cores.len());
                gate.wait();
                let (started, narrowed) = child.join().unwrap();
                assert_eq!(narrowed.len(), 1, "narrowed to one core");
                assert_eq!(started, Some(narrowed[0]), "ran where it was narrowed to");
                if n < cores.len() {
                    assert_eq!(narrowed[0], cores[n]);
                } else if parent == core() {
                    // the parent did not move meanwhile
                    assert_ne!(Some(narrowed[0]), parent, "narrowed to its parent's core");
                }
                // widened, a thread may use its parent's cores again
                let gate = std::sync::Arc::new(std::sync::Barrier::new(2));
                let wait = gate.clone();
                let child = std::thread::spawn(move || {
                    wait.wait();
                    allowed()
                });
                let thread = child.as_pthread_t();
                super::place(thread, super::Core::NotThis);
                gate.wait();
                assert_eq!(child.join().unwrap(), cores, "widened to every core");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};

    #[test]
    fn beside_returns_both_results_and_lends_to_both() {
        let numbers: Vec<u32> = (1..=100).collect();
        let (theirs, mine) = super::beside(
            || numbers.iter().sum::<u32>(),
            || numbers.iter().filter(|n| *n % 2 == 0).count(),
        )
        .unwrap();
        assert_eq!(theirs.unwrap(), 5050);
        assert_eq!(mine, 50);
    }

    #[test]
    fn a_panic_on_the_other_thread_is_an_err() {
        let (theirs, mine) = super::beside(|| panic!("the other thread"), || 7).unwrap();
        assert!(theirs.is_err());
        assert_eq!(mine, 7);
    }

    /// The other thread is joined before a panic on this one leaves
    /// `beside`: what it borrows outlives it.
    #[test]
    fn the_other_thread_is_joined_when_this_one_panics() {
        let done = AtomicBool::new(false);
        let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            super::beside(
                || {
                    std::thread::sleep(std::time::Duration::from_millis(50));
                    done.store(true, Ordering::SeqCst);
                },
                || panic!("this thread"),
            )
        }));
        assert!(unwound.is_err());
        assert!(done.load(Ordering::SeqCst), "the thread outlived beside");
    }

    /// The work runs on a worker of the pool, its panic comes back to the
    /// caller.
    #[test]
    fn on_pool_runs_on_a_worker() {
        assert_eq!(rayon::current_thread_index(), None);
        let index = super::on_pool(rayon::current_thread_index);
        assert!(index.is_some());
        let unwound = std::panic::catch_unwind(|| super::on_pool(|| panic!("in the pool")));
        assert!(unwound.is_err());
    }
}
