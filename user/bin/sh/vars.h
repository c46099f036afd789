// The shell's variables: name, value, and whether it is exported (in the
// environment of the programs it runs).  Imported from environ at start,
// all exported.  Unlimited (a malloc'ed list).
#pragma once

#include <stddef.h>

namespace sh {

// The value of name[0, len), or null when unset.
const char* var_get(const char* name, size_t len);
// Sets name (exported if `exported` or if it was already); false when out of memory.
bool var_set(const char* name, const char* value, bool exported = false);
// "NAME=value" (a word already expanded): sets it; false if it is not one.
bool var_assign(const char* assignment, bool exported = false);
// Marks name exported (set to "" if unset); false when out of memory.
bool var_export(const char* name);
void var_unset(const char* name);
// Imports "NAME=value" strings, all exported.
void vars_import(char** env);
// A new environment: the exported variables, then `extra` (NAME=value
// strings overriding them for one command).  malloc'ed, null-terminated;
// null when out of memory.
char** vars_environ(char** extra, int nextra);
// Prints every exported variable as "export NAME='value'".
void vars_print_exported();

} // namespace sh
