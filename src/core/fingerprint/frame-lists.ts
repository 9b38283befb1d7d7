/**
 * Frame lists for signatures, after Socorro's siglists, satyr's normalize_hash.gperf and
 * ClusterFuzz's ignore lists. Patterns match normalized names (see normalize.ts).
 */

export type Mechanism = 'assert' | 'heap-corruption' | 'uncaught-exception' | 'panic' | 'fortify' | 'stack-smashing' | 'abort' | 'go-panic';

/** Frames that say which mechanism killed the process; the first match from the top wins. */
export const MECHANISMS: Array<[Mechanism, RegExp]> = [
  [
    'panic',
    /^(?:rust_panic|rust_begin_unwind|__rust_start_panic|core::panicking::|std::panicking::|core::result::unwrap_failed|core::option::(?:unwrap|expect)_failed)/,
  ],
  [
    'uncaught-exception',
    /^(?:__cxa_throw|__cxa_rethrow|std::terminate|__cxxabiv1::__terminate|__gnu_cxx::__verbose_terminate_handler|_Unwind_RaiseException)$/,
  ],
  ['assert', /^(?:__assert_fail|__assert_fail_base|__assert_perror_fail|__assert_rtn|__assert)$/],
  ['heap-corruption', /^(?:malloc_printerr|__malloc_assert|_int_free\w*|_int_malloc|_int_realloc|tcache_\w+|__libc_message)$/],
  ['stack-smashing', /^(?:__stack_chk_fail|__stack_chk_fail_local)$/],
  ['fortify', /^(?:__fortify_fail|__chk_fail|__\w+_chk)$/],
  ['go-panic', /^runtime\.(?:gopanic|throw|fatalpanic|sigpanic)$/],
  ['abort', /^abort$/],
];

/** The crash machinery: it and every frame nearer the crash than it are dropped. */
export const MACHINERY = new RegExp(
  [
    '^(?:raise|gsignal|abort|pthread_kill|__pthread_kill_\\w+|__pthread_kill|kill|tgkill)$',
    '^(?:__assert_fail|__assert_fail_base|__assert_perror_fail|__assert_rtn|__assert)$',
    '^(?:malloc_printerr|__malloc_assert|_int_free\\w*|_int_malloc|_int_realloc|tcache_\\w+|__libc_message|__libc_fatal)$',
    '^(?:__stack_chk_fail\\w*|__fortify_fail|__chk_fail|__\\w+_chk)$',
    '^(?:__cxa_throw|__cxa_rethrow|__cxa_call_terminate|__cxa_call_unexpected|std::terminate|std::__terminate|__cxxabiv1::\\w+|__gnu_cxx::__verbose_terminate_handler|_Unwind_\\w+|__gxx_personality_v0)$',
    '^(?:rust_panic|rust_begin_unwind|__rust_\\w+|__rustc::\\w+|core::panicking::|std::panicking::|std::panic::|std::sys::backtrace::|std::sys_common::backtrace::|std::sys::pal::\\w+::abort_internal|std::sys::abort_internal|std::process::abort|core::result::unwrap_failed|core::option::(?:unwrap|expect)_failed|core::result::Result<T>::(?:unwrap|expect)\\w*|core::option::Option<T>::(?:unwrap|expect)\\w*|core::slice::index::|core::panic::)',
    '^runtime\\.',
    '^(?:<signal handler called>|__restore_rt)$',
  ].join('|'),
);

/**
 * Allocator entry points: after dropping the machinery of a heap error they sit on top, and a
 * double free in two places must not group by `free`.
 */
export const ALLOCATOR =
  /^(?:free|cfree|malloc|calloc|realloc|memalign|operator delete\w*|operator new\w*|operator delete\[\]|operator new\[\])$/;

/** Frames every crash shares, at the bottom of every stack. */
export const SHARED = new RegExp(
  [
    '^(?:_start|__libc_start_main\\w*|__libc_start_call_main|start_thread|clone|clone3|__clone|__clone3|__clone_internal\\w*)$',
    // Where every Windows and macOS thread starts.
    '^(?:BaseThreadInitThunk|RtlUserThreadStart|_pthread_start|thread_start)$',
    '^(?:std::rt::lang_start\\w*|std::rt::lang_start::\\{closure\\}|std::rt::lang_start_internal\\w*|core::ops::function::FnOnce::call_once\\w*|core::ops::function::impls::)',
    '^(?:std::sys::pal::\\w+::thread::Thread::new::thread_start|std::thread::Builder::spawn_unchecked_\\w*|<alloc::boxed::Box<T> as core::ops::function::FnOnce<T>>::call_once|std::sys::thread::\\w+::Thread::new::thread_start)',
    '^(?:main)$',
  ].join('|'),
);

/** Module names for frames without symbols in libraries that are never the bug. */
export const SYSTEM_MODULE = /^(?:libc\.so|libc-|ld-linux|libpthread|libstdc\+\+|libgcc_s)/;
