#include "vars.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

namespace sh {
namespace {

struct Var {
    char* text; // "NAME=value", malloc'ed
    bool exported;
    Var* next;
};

Var* g_vars = nullptr;

size_t name_len(const char* text)
{
    const char* eq = strchr(text, '=');
    return eq ? static_cast<size_t>(eq - text) : strlen(text);
}

Var* find(const char* name, size_t len)
{
    for (Var* v = g_vars; v; v = v->next)
        if (name_len(v->text) == len && memcmp(v->text, name, len) == 0) return v;
    return nullptr;
}

} // namespace

const char* var_get(const char* name, size_t len)
{
    const Var* v = find(name, len);
    return v ? v->text + len + 1 : nullptr;
}

bool var_set(const char* name, const char* value, bool exported)
{
    const size_t n = strlen(name), m = strlen(value);
    char* text = static_cast<char*>(malloc(n + m + 2));
    if (!text) return false;
    memcpy(text, name, n);
    text[n] = '=';
    memcpy(text + n + 1, value, m + 1);
    Var* v = find(name, n);
    if (!v) {
        v = static_cast<Var*>(malloc(sizeof(Var)));
        if (!v) {
            free(text);
            return false;
        }
        v->text = nullptr;
        v->exported = false;
        v->next = g_vars;
        g_vars = v;
    }
    free(v->text);
    v->text = text;
    v->exported = v->exported || exported;
    return true;
}

bool var_assign(const char* assignment, bool exported)
{
    const char* eq = strchr(assignment, '=');
    if (!eq) return false;
    char name[128];
    const size_t n = static_cast<size_t>(eq - assignment);
    if (n >= sizeof name) return false;
    memcpy(name, assignment, n);
    name[n] = '\0';
    return var_set(name, eq + 1, exported);
}

bool var_export(const char* name)
{
    if (Var* v = find(name, strlen(name))) {
        v->exported = true;
        return true;
    }
    return var_set(name, "", true);
}

void var_unset(const char* name)
{
    const size_t n = strlen(name);
    for (Var** pv = &g_vars; *pv; pv = &(*pv)->next) {
        Var* v = *pv;
        if (name_len(v->text) == n && memcmp(v->text, name, n) == 0) {
            *pv = v->next;
            free(v->text);
            free(v);
            return;
        }
    }
}

void vars_import(char** env)
{
    for (; env && *env; env++)
        if (strchr(*env, '=')) (void)var_assign(*env, true);
}

char** vars_environ(char** extra, int nextra)
{
    int n = nextra;
    for (Var* v = g_vars; v; v = v->next) n += v->exported;
    char** env = static_cast<char**>(malloc(sizeof(char*) * static_cast<size_t>(n + 1)));
    if (!env) return nullptr;
    int i = 0;
    for (Var* v = g_vars; v; v = v->next) {
        if (!v->exported) continue;
        bool overridden = false;
        for (int k = 0; k < nextra && !overridden; k++)
            overridden = name_len(extra[k]) == name_len(v->text) &&
                         memcmp(extra[k], v->text, name_len(v->text)) == 0;
        if (!overridden) env[i++] = v->text;
    }
    for (int k = 0; k < nextra; k++) env[i++] = extra[k];
    env[i] = nullptr;
    return env;
}

void vars_print_exported()
{
    for (Var* v = g_vars; v; v = v->next)
        if (v->exported) printf("export %.*s='%s'\n", static_cast<int>(name_len(v->text)), v->text,
                                v->text + name_len(v->text) + 1);
}

} // namespace sh
