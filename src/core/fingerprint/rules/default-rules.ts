/**
 * The grouping rules every database starts with: fingerprint v1's frame lists (after Socorro's
 * siglists, satyr's normalize_hash.gperf and ClusterFuzz's ignore lists), written in the rules
 * language, since version 2 the standard libraries' frames left out, since version 3 a frame
 * outside every module taken as no code of the program's, and since version 4 a lambda known by
 * its caller, since version 5 a Node.js or Python crash known by its own language's frames. Function names are matched as
 * normalized (`std::vector<T>::at`, no arguments).
 */
export const DEFAULT_RULES = String.raw`# Crash Workbench default grouping rules (fingerprint version 5).
# One rule a line: matchers, then actions. Later rules win over earlier ones for app and group;
# for mechanism= the first rule that matches a frame decides.

## Which mechanism killed the process, strongest first
stack.function:rust_panic* mechanism=panic
stack.function:rust_begin_unwind* mechanism=panic
stack.function:__rust_start_panic* mechanism=panic
stack.function:core::panicking::* mechanism=panic
stack.function:std::panicking::* mechanism=panic
stack.function:core::result::unwrap_failed* mechanism=panic
stack.function:core::option::unwrap_failed* mechanism=panic
stack.function:core::option::expect_failed* mechanism=panic
stack.function:v8::internal::Isolate::CreateMessageOrAbort mechanism=uncaught-exception
# What a runtime recorded without a core (a Node.js report, its printed uncaught exception) names
# the error's class where a core names a signal: the same uncaught exception, one group
signal:*Error mechanism=uncaught-exception
signal:*Exception mechanism=uncaught-exception
signal:"uncaught exception" mechanism=uncaught-exception
stack.function:__cxa_throw mechanism=uncaught-exception
stack.function:__cxa_rethrow mechanism=uncaught-exception
stack.function:std::terminate mechanism=uncaught-exception
stack.function:__cxxabiv1::__terminate mechanism=uncaught-exception
stack.function:__gnu_cxx::__verbose_terminate_handler mechanism=uncaught-exception
stack.function:_Unwind_RaiseException mechanism=uncaught-exception
stack.function:__assert_fail mechanism=assert
stack.function:__assert_fail_base mechanism=assert
stack.function:__assert_perror_fail mechanism=assert
stack.function:__assert_rtn mechanism=assert
stack.function:__assert mechanism=assert
stack.function:malloc_printerr mechanism=heap-corruption
stack.function:__malloc_assert mechanism=heap-corruption
stack.function:_int_free* mechanism=heap-corruption
stack.function:_int_malloc mechanism=heap-corruption
stack.function:_int_realloc mechanism=heap-corruption
stack.function:tcache_* mechanism=heap-corruption
stack.function:__libc_message mechanism=heap-corruption
stack.function:__stack_chk_fail mechanism=stack-smashing
stack.function:__stack_chk_fail_local mechanism=stack-smashing
stack.function:__fortify_fail mechanism=fortify
stack.function:__chk_fail mechanism=fortify
stack.function:__*_chk mechanism=fortify
stack.function:runtime.gopanic mechanism=go-panic
stack.function:runtime.throw mechanism=go-panic
stack.function:runtime.fatalpanic mechanism=go-panic
stack.function:runtime.sigpanic mechanism=go-panic
stack.function:abort mechanism=abort

## Crash machinery: near the top of the stack, it and every frame above it are left out
stack.function:raise +machinery
stack.function:gsignal +machinery
stack.function:abort +machinery
stack.function:pthread_kill +machinery
stack.function:__pthread_kill +machinery
stack.function:__pthread_kill_* +machinery
stack.function:kill +machinery
stack.function:tgkill +machinery
stack.function:__assert_fail +machinery
stack.function:__assert_fail_base +machinery
stack.function:__assert_perror_fail +machinery
stack.function:__assert_rtn +machinery
stack.function:__assert +machinery
stack.function:malloc_printerr +machinery
stack.function:__malloc_assert +machinery
stack.function:_int_free* +machinery
stack.function:_int_malloc +machinery
stack.function:_int_realloc +machinery
stack.function:tcache_* +machinery
stack.function:__libc_message +machinery
stack.function:__libc_fatal +machinery
stack.function:__stack_chk_fail* +machinery
stack.function:__fortify_fail +machinery
stack.function:__chk_fail +machinery
stack.function:__*_chk +machinery
stack.function:__cxa_throw +machinery
stack.function:__cxa_rethrow +machinery
stack.function:__cxa_call_terminate +machinery
stack.function:__cxa_call_unexpected +machinery
stack.function:std::terminate +machinery
stack.function:node::OnFatalError +machinery
stack.function:node::OOMErrorHandler +machinery
stack.function:v8::Utils::ReportOOMFailure +machinery
stack.function:v8::internal::V8::FatalProcessOutOfMemory +machinery
stack.function:v8::base::OS::Abort +machinery
stack.function:std::__terminate +machinery
stack.function:__cxxabiv1::* +machinery
stack.function:__gnu_cxx::__verbose_terminate_handler +machinery
stack.function:_Unwind_* +machinery
stack.function:__gxx_personality_v0 +machinery
stack.function:rust_panic* +machinery
stack.function:rust_begin_unwind* +machinery
stack.function:__rust_* +machinery
stack.function:__rustc::* +machinery
stack.function:core::panicking::* +machinery
stack.function:std::panicking::* +machinery
stack.function:std::panic::* +machinery
stack.function:std::sys::backtrace::* +machinery
stack.function:std::sys_common::backtrace::* +machinery
stack.function:std::sys::pal::*::abort_internal* +machinery
stack.function:std::sys::abort_internal* +machinery
stack.function:std::process::abort* +machinery
stack.function:core::result::unwrap_failed* +machinery
stack.function:core::option::unwrap_failed* +machinery
stack.function:core::option::expect_failed* +machinery
stack.function:core::result::Result<T>::unwrap* +machinery
stack.function:core::result::Result<T>::expect* +machinery
stack.function:core::option::Option<T>::unwrap* +machinery
stack.function:core::option::Option<T>::expect* +machinery
stack.function:core::slice::index::* +machinery
stack.function:core::panic::* +machinery
stack.function:runtime.* +machinery
stack.function:"<signal handler called>" +machinery
stack.function:__restore_rt +machinery
# A frame without a symbol in libc or the C++ runtime, between machinery frames, is machinery too.
stack.symbolized:no stack.module:libc.so* +machinery
stack.symbolized:no stack.module:libc-* +machinery
stack.symbolized:no stack.module:ld-linux* +machinery
stack.symbolized:no stack.module:libpthread* +machinery
stack.symbolized:no stack.module:libstdc++* +machinery
stack.symbolized:no stack.module:libgcc_s* +machinery

## A lambda is known by its caller: its own name, the same for every lambda, says nothing of which one it is
stack.function:"{lambda}::operator()" +prefix

## Allocator entry points on top of what remains: a double free is not a bug in free
stack.function:free -leading
stack.function:cfree -leading
stack.function:malloc -leading
stack.function:calloc -leading
stack.function:realloc -leading
stack.function:memalign -leading
stack.function:"operator delete*" -leading
stack.function:"operator new*" -leading

## Frames every stack shares
stack.function:_start -group
stack.function:__libc_start_main* -group
stack.function:__libc_start_call_main -group
stack.function:start_thread -group
stack.function:clone -group
stack.function:clone3 -group
stack.function:__clone -group
stack.function:__clone3 -group
stack.function:__clone_internal* -group
stack.function:BaseThreadInitThunk -group
stack.function:RtlUserThreadStart -group
stack.function:_pthread_start -group
stack.function:thread_start -group
stack.function:std::rt::lang_start* -group
stack.function:core::ops::function::FnOnce::call_once* -group
stack.function:core::ops::function::impls::* -group
stack.function:std::sys::pal::*::thread::Thread::new::thread_start* -group
stack.function:std::thread::Builder::spawn_unchecked_* -group
stack.function:"<alloc::boxed::Box<T> as core::ops::function::FnOnce<T>>::call_once*" -group
stack.function:std::sys::thread::*::Thread::new::thread_start* -group
family:native stack.function:main -group
# Node.js's own JavaScript (node:internal/…, node:events): its module loader and event loop under every script
stack.path:node:** -group -app
# Node.js's and V8's native code, and the interpreters': the same under every script, which is
# known by its own frames (JavaScript, Python) and its addons' and extensions' code
family:native stack.module:node -group -app
family:native stack.module:nodejs -group -app
family:native stack.module:libnode.so* -group -app
family:native stack.module:python3* -group -app
family:native stack.module:libpython3* -group -app

## The standard libraries' own frames do not count: their inline helpers are frames at -O0 only,
## and how their templates are named differs between compilers
stack.function:std::* -group
stack.function:__gnu_cxx::* -group
stack.function:<std::* -group
stack.function:<__gnu_cxx::* -group

## What is not the program's own: system libraries and the standard libraries compiled into it
stack.module:/lib/** -app
stack.module:/lib32/** -app
stack.module:/lib64/** -app
stack.module:/usr/lib/** -app
stack.module:/usr/lib32/** -app
stack.module:/usr/lib64/** -app
stack.module:?:\\windows\\** -app
stack.module:/system/library/** -app
stack.function:core::* -app
stack.function:std::* -app
stack.function:alloc::* -app
stack.function:__gnu_cxx::* -app
stack.function:__cxxabiv1::* -app
stack.function:<core::* -app
stack.function:<std::* -app
stack.function:<alloc::* -app
stack.function:<__gnu_cxx::* -app
stack.function:<__cxxabiv1::* -app
stack.function:"<* as core::*" -app
stack.function:"<* as std::*" -app
stack.function:"<* as alloc::*" -app

## A frame outside every module is a call through a NULL or stale pointer, no code of the
## program's: the signature goes on to the caller that made the call
stack.symbolized:no !stack.module:?* -app
`;
