// Where ktrace(2)'s records go: the file fname names, opened for writing
// as ktrace(2) opens it (it must exist and be a regular file the caller
// may write: ENOENT, EACCES, EROFS for the initrd, EISDIR), or, Sprig's
// addition, "/dev/fd/N": the caller's descriptor N, which must be open
// for writing (EBADF), so that a pipe can carry the records (FreeBSD
// reaches the same through fdescfs).
#pragma once

#include <lib/result.h>

struct file;
struct thread;

// The file, with a reference for the caller (fname is rewritten in place).
Result<file*> ktr_open(thread* td, char* fname);
