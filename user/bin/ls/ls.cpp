// ls [-a] [-l] [path ...]: the entries of each directory (a file names
// itself), sorted by name; -l gives mode, links, owner, group, size and
// name; -a shows names starting with '.'.
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

namespace {

bool g_all = false, g_long = false;
int g_status = 0;

// FreeBSD's strmode, the part Sprig's files need: type, then rwx three times.
void mode_string(unsigned m, char out[11])
{
    out[0] = S_ISDIR(m) ? 'd' : S_ISCHR(m) ? 'c' : S_ISFIFO(m) ? 'p' : '-';
    const char* rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; i++) out[1 + i] = (m & (0400 >> i)) ? rwx[i] : '-';
    if (m & S_ISVTX) out[9] = (m & 0001) ? 't' : 'T';
    out[10] = '\0';
}

void print_entry(const char* dir, const char* name)
{
    if (!g_long) {
        printf("%s\n", name);
        return;
    }
    char path[1024];
    if (dir) snprintf(path, sizeof path, "%s/%s", dir, name);
    else snprintf(path, sizeof path, "%s", name);
    struct stat sb;
    if (stat(path, &sb) < 0) {
        fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
        g_status = 1;
        return;
    }
    char mode[11];
    mode_string(sb.st_mode, mode);
    printf("%s %3lu %-5u %-5u %8ld %s\n", mode, (unsigned long)sb.st_nlink, sb.st_uid, sb.st_gid,
           (long)sb.st_size, name);
}

int by_name(const void* a, const void* b)
{
    return strcmp(*static_cast<char* const*>(a), *static_cast<char* const*>(b));
}

// The names in dir (filtered by -a), sorted; count in *n.  Null with *n
// 0 for an empty directory; errno set on an error.
char** read_names(DIR* d, size_t* n)
{
    char** names = nullptr;
    size_t cap = 0;
    *n = 0;
    errno = 0;
    while (struct dirent* e = readdir(d)) {
        if (e->d_name[0] == '.' && !g_all) continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 32;
            char** more = static_cast<char**>(realloc(names, cap * sizeof(char*)));
            if (!more) break;
            names = more;
        }
        char* copy = static_cast<char*>(malloc(e->d_namlen + 1u));
        if (!copy) break;
        memcpy(copy, e->d_name, e->d_namlen + 1u);
        names[(*n)++] = copy;
    }
    qsort(names, *n, sizeof(char*), by_name);
    return names;
}

void list(const char* path, bool heading)
{
    struct stat sb;
    if (stat(path, &sb) < 0) {
        fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
        g_status = 1;
        return;
    }
    if (!S_ISDIR(sb.st_mode)) {
        print_entry(nullptr, path);
        return;
    }
    DIR* d = opendir(path);
    if (!d) {
        fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
        g_status = 1;
        return;
    }
    size_t n = 0;
    char** names = read_names(d, &n);
    if (errno) {
        fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
        g_status = 1;
    }
    closedir(d);
    if (heading) printf("%s:\n", path);
    for (size_t i = 0; i < n; i++) {
        print_entry(strcmp(path, "/") == 0 ? "" : path, names[i]);
        free(names[i]);
    }
    free(names);
}

} // namespace

int main(int argc, char** argv)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++)
        for (const char* f = argv[i] + 1; *f; f++) {
            if (*f == 'a') g_all = true;
            else if (*f == 'l') g_long = true;
            else {
                fprintf(stderr, "ls: unknown option -%c\nusage: ls [-al] [path ...]\n", *f);
                return 2;
            }
        }
    if (i == argc) list("/", false);
    for (int k = i; k < argc; k++) {
        list(argv[k], argc - i > 1);
        if (argc - i > 1 && k + 1 < argc) printf("\n");
    }
    return g_status;
}
