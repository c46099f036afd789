// What must hold of a file before exec reads its format (FreeBSD's
// exec_check_permissions): a regular file, executable by the thread's
// effective credential (vaccess's rules: root needs at least one execute
// bit).  Errno::Acces otherwise, before a byte of the image is looked at.
#pragma once

#include <abi/errno.h>

struct thread;
struct vnode;

Errno exec_check_permissions(const thread* td, const vnode* vp);
