/* fuzz_replay.h - main() that feeds files (or every file of directories)
 * to LLVMFuzzerTestOneInput once each, for builds without libFuzzer. */
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

static int replay_file(const char *path, size_t *n)
{
    char *data;
    size_t len;
    if (read_file(path, &data, &len) != LS_OK) {
        fprintf(stderr, "cannot read '%s'\n", path);
        return 1;
    }
    LLVMFuzzerTestOneInput((const uint8_t *)data, len);
    free(data);
    (*n)++;
    return 0;
}

int main(int argc, char **argv)
{
    size_t n = 0;
    int failed = 0;
    LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        struct stat st;
        DIR *d;
        struct dirent *de;
        if (stat(argv[i], &st) < 0 || !S_ISDIR(st.st_mode)) {
            failed |= replay_file(argv[i], &n);
            continue;
        }
        d = opendir(argv[i]);
        while (d && (de = readdir(d)) != NULL) {
            char *p;
            if (de->d_name[0] == '.')
                continue;
            p = xstrfmt("%s/%s", argv[i], de->d_name);
            failed |= replay_file(p, &n);
            free(p);
        }
        if (d)
            closedir(d);
    }
    printf("%s: %zu inputs replayed\n", argv[0], n);
    return failed;
}
