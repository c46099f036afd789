// Program start-up (the job of picolibc's crt0 in an OS port): the
// thread-local block that holds errno, environ, stdio's flush at exit,
// the C++ constructors, then exit(main(argc, argv, envp)).
#include <picolibc.h> // PICOLIBC_TLS, which picotls.h needs
extern "C" {
#include <picotls.h> // a C header without extern "C"
}
#include <stdlib.h>

#include "stdio_fd.h"

extern "C" {
extern char __tls_main[];
extern char** environ;
void __libc_init_array(void);
int main(int argc, char** argv, char** envp);
[[noreturn]] void __sprig_start(long* args);
}

// The argument block from exec: argc, argv[argc], NULL, envp..., NULL.
extern "C" void __sprig_start(long* args)
{
    // errno lives in thread-local storage, so this comes before anything
    // that can fail.
    _init_tls(__tls_main);
    _set_tls(__tls_main);
    const int argc = static_cast<int>(args[0]);
    char** argv = reinterpret_cast<char**>(args + 1);
    char** envp = argv + argc + 1;
    environ = envp;
    atexit(sprig::stdio_flush_all);
    __libc_init_array();
    exit(main(argc, argv, envp));
}
