/* main.c - command line: options in, exit status out. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "correct.h"
#include "export.h"
#include "locstat.h"
#include "report.h"
#include "run.h"
#include "state.h"
#include "tmpl.h"

#ifndef LOCSTAT_SHARE
#define LOCSTAT_SHARE "/usr/local/share/locstat"
#endif

#define DEFAULT_MAX_SIZE (16u * 1024 * 1024)

enum { EXIT_ALL_OK = 0, EXIT_USAGE = 1, EXIT_SOME_FAILED = 2, EXIT_NOTHING = 3, EXIT_LOCKED = 4 };

static void usage(FILE *fp)
{
    fputs("usage: locstat [options] [DIR|FILE...]\n"
          "\n"
          "Reads Chinese local news articles (default: seeds/), finds every figure\n"
          "with its unit, qualifier and category, resolves each article's locality\n"
          "and writes a workbook comparing the localities.\n"
          "\n"
          "  -o FILE          workbook to write (default report.xlsx)\n"
          "      --csv FILE   also write the figures as CSV\n"
          "      --json FILE  also write the figures as JSON\n"
          "  -t DIR           templates directory (default templates/, then\n"
          "                   " LOCSTAT_SHARE "/templates)\n"
          "      --lang LANG  workbook labels: zh (default) or en\n"
          "      --max-size N skip articles larger than N bytes (default 16 MiB)\n"
          "      --corrections FILE  staff corrections (default corrections.tsv in the\n"
          "                   first directory read, e.g. seeds/corrections.tsv)\n"
          "      --wait SECONDS  wait this long for another run writing the same\n"
          "                   report (default 60), then give up with status 4\n"
          "  -q               only errors on stderr\n"
          "  -v               say what happens to each article (-vv: category scores)\n"
          "  -h, --help       this text\n"
          "      --version    print the version\n"
          "\n"
          "Beside the report it keeps FILE.state.tsv (what the previous run saw, to\n"
          "mark what is new) and FILE.lock (one run at a time).\n"
          "\n"
          "Exit status: 0 every article processed; 1 usage error; 2 some articles\n"
          "failed but the report was written; 3 nothing could be written; 4 another\n"
          "run held the lock for longer than --wait.\n",
          fp);
}

static const char *find_templates(const char *given)
{
    struct stat st;
    if (given)
        return given;
    if (stat("templates/units.tsv", &st) == 0)
        return "templates";
    return LOCSTAT_SHARE "/templates";
}

/* One run at a time per report: an exclusive flock on FILE.lock, waited
 * for at most @p wait seconds. Returns the descriptor (kept open until
 * exit), or -1 after printing why. */
static int take_lock(const char *report, double wait)
{
    size_t n = strlen(report);
    char *path;
    int fd;
    struct timespec start, now;

    if (n > 5 && !strcmp(report + n - 5, ".xlsx"))
        n -= 5;
    path = xstrfmt("%.*s.lock", (int)n, report);
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        error("cannot write '%s': %s", path, strerror(errno));
        free(path);
        return -2;
    }
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        double waited;
        if (errno != EWOULDBLOCK && errno != EINTR) {
            error("cannot lock '%s': %s", path, strerror(errno));
            close(fd);
            free(path);
            return -2;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        waited = (double)(now.tv_sec - start.tv_sec) + (double)(now.tv_nsec - start.tv_nsec) / 1e9;
        if (waited >= wait) {
            error("another locstat run is writing '%s' (lock '%s'); gave up after %.0f s",
                  report, path, wait);
            close(fd);
            free(path);
            return -1;
        }
        usleep(100 * 1000);
    }
    free(path);
    return fd;
}

/* The workbook's created time: SOURCE_DATE_EPOCH, else the newest article. */
static time_t created_time(const corpus *c)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    time_t t = 0;
    if (sde && *sde) {
        char *end;
        long long v = strtoll(sde, &end, 10);
        if (!*end && v >= 0)
            return (time_t)v;
        warning("ignoring SOURCE_DATE_EPOCH='%s': not a number of seconds", sde);
    }
    for (size_t i = 0; i < c->n; i++) {
        struct stat st;
        if (stat(c->v[i].path, &st) == 0 && st.st_mtime > t)
            t = st.st_mtime;
    }
    return t;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "csv", required_argument, NULL, 'C' },  { "json", required_argument, NULL, 'J' },
        { "lang", required_argument, NULL, 'L' }, { "max-size", required_argument, NULL, 'M' },
        { "corrections", required_argument, NULL, 'F' }, { "wait", required_argument, NULL, 'W' },
        { "help", no_argument, NULL, 'h' },       { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    const char *out = "report.xlsx", *csv = NULL, *json = NULL, *tdir = NULL, *fixes = NULL;
    char *fixes_default = NULL, *state_path = NULL;
    double wait = 60;
    int lock_fd;
    corrections corr;
    state st;
    size_t max_size = DEFAULT_MAX_SIZE;
    report_options ropt = { 0, 0, NULL };
    run_rules rules;
    run_set set;
    corpus c = { NULL, 0, 0 };
    int opt, status, wrote = 0, write_failed = 0;
    struct timespec t0, t1;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    while ((opt = getopt_long(argc, argv, "o:t:qvh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'o': out = optarg; break;
        case 'C': csv = optarg; break;
        case 'J': json = optarg; break;
        case 't': tdir = optarg; break;
        case 'q': ls_verbosity = 0; break;
        case 'v': ls_verbosity = ls_verbosity < 2 ? 2 : ls_verbosity + 1; break;
        case 'L':
            if (strcmp(optarg, "zh") && strcmp(optarg, "en")) {
                error("--lang takes zh or en, not '%s'", optarg);
                return EXIT_USAGE;
            }
            ropt.english = !strcmp(optarg, "en");
            break;
        case 'M': {
            char *end;
            unsigned long long v = strtoull(optarg, &end, 10);
            if (*end || v == 0) {
                error("--max-size takes a number of bytes, not '%s'", optarg);
                return EXIT_USAGE;
            }
            max_size = (size_t)v;
            break;
        }
        case 'F': fixes = optarg; break;
        case 'W': {
            char *end;
            wait = strtod(optarg, &end);
            if (*end || wait < 0) {
                error("--wait takes a number of seconds, not '%s'", optarg);
                return EXIT_USAGE;
            }
            break;
        }
        case 'h': usage(stdout); return EXIT_ALL_OK;
        case 'V': printf("locstat %s\n", LOCSTAT_VERSION); return EXIT_ALL_OK;
        default: usage(stderr); return EXIT_USAGE;
        }
    }

    lock_fd = take_lock(out, wait);
    if (lock_fd < 0)
        return lock_fd == -1 ? EXIT_LOCKED : EXIT_NOTHING;

    if (optind == argc) {
        if (corpus_add(&c, "seeds") < 0)
            return EXIT_NOTHING;
        fixes_default = xstrdup("seeds/corrections.tsv");
    } else {
        for (int i = optind; i < argc; i++) {
            struct stat st_;
            if (corpus_add(&c, argv[i]) < 0)
                write_failed = 1; /* a missing path counts as a failed article */
            else if (!fixes_default && stat(argv[i], &st_) == 0 && S_ISDIR(st_.st_mode))
                fixes_default = xstrfmt("%s/corrections.tsv", argv[i]);
        }
    }
    corpus_sort(&c);

    tdir = find_templates(tdir);
    if (run_rules_load(&rules, tdir) != LS_OK) {
        run_rules_release(&rules);
        corpus_release(&c);
        rx_cleanup();
        return EXIT_NOTHING;
    }

    memset(&set, 0, sizeof(set));
    for (size_t i = 0; i < c.n; i++)
        run_article_add(&set, &rules, &c.v[i], max_size);
    corrections_load(&corr, fixes ? fixes : fixes_default ? fixes_default : "corrections.tsv");
    corrections_apply(&corr, &set);
    run_group_localities(&set);

    /* what changed since the previous run; the state is saved only after
     * the report, so a report that failed is redone next time */
    state_path = state_path_for(out);
    state_load(&st, state_path);
    {
        struct stat st_;
        int changed = state_update(&st, &set, time(NULL));
        int state_missing = stat(state_path, &st_) != 0;

        ropt.created = created_time(&c);
        ropt.fixes = &corr;
        if (report_write(&set, tdir, out, &ropt) == LS_OK)
            wrote = 1;
        else
            write_failed = 1;
        if (csv && export_csv(&set, csv) != LS_OK)
            write_failed = 1;
        if (json && export_json(&set, json) != LS_OK)
            write_failed = 1;
        if (wrote && (changed || state_missing) && state_save(&st, state_path) != LS_OK)
            write_failed = 1;
    }

    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (ls_verbosity >= 1) {
        size_t nnew = 0, nchanged = 0, nwarn = 0;
        for (size_t i = 0; i < set.n; i++) {
            nnew += set.v[i].change == CHANGE_NEW;
            nchanged += set.v[i].change == CHANGE_CHANGED;
            nwarn += set.v[i].warnings != NULL;
        }
        fprintf(stderr,
                "locstat: %zu articles (%zu new, %zu changed, %zu removed, %zu failed), "
                "%zu localities, %zu figures, %zu warnings, %.2f s -> %s\n",
                set.n, nnew, nchanged, set.nremoved, set.failed, set.nloc, run_figure_count(&set),
                nwarn, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
                wrote ? out : "(no workbook)");
    }

    status = !wrote ? EXIT_NOTHING : (set.failed || write_failed) ? EXIT_SOME_FAILED : EXIT_ALL_OK;
    run_set_release(&set);
    run_rules_release(&rules);
    corpus_release(&c);
    corrections_release(&corr);
    state_release(&st);
    free(state_path);
    free(fixes_default);
    rx_cleanup();
    close(lock_fd);
    return status;
}
