/* main.c - command line: options in, exit status out. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "export.h"
#include "locstat.h"
#include "report.h"
#include "run.h"
#include "tmpl.h"

#ifndef LOCSTAT_SHARE
#define LOCSTAT_SHARE "/usr/local/share/locstat"
#endif

#define DEFAULT_MAX_SIZE (16u * 1024 * 1024)

enum { EXIT_ALL_OK = 0, EXIT_USAGE = 1, EXIT_SOME_FAILED = 2, EXIT_NOTHING = 3 };

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
          "  -q               only errors on stderr\n"
          "  -v               say what happens to each article (-vv: category scores)\n"
          "  -h, --help       this text\n"
          "      --version    print the version\n"
          "\n"
          "Exit status: 0 every article processed; 1 usage error; 2 some articles\n"
          "failed but the report was written; 3 nothing could be written.\n",
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
        { "help", no_argument, NULL, 'h' },       { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    const char *out = "report.xlsx", *csv = NULL, *json = NULL, *tdir = NULL;
    size_t max_size = DEFAULT_MAX_SIZE;
    report_options ropt = { 0, 0 };
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
        case 'h': usage(stdout); return EXIT_ALL_OK;
        case 'V': printf("locstat %s\n", LOCSTAT_VERSION); return EXIT_ALL_OK;
        default: usage(stderr); return EXIT_USAGE;
        }
    }

    if (optind == argc) {
        if (corpus_add(&c, "seeds") < 0)
            return EXIT_NOTHING;
    } else {
        for (int i = optind; i < argc; i++)
            if (corpus_add(&c, argv[i]) < 0)
                write_failed = 1; /* a missing path counts as a failed article */
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
    run_group_localities(&set);

    ropt.created = created_time(&c);
    if (report_write(&set, tdir, out, &ropt) == LS_OK)
        wrote = 1;
    else
        write_failed = 1;
    if (csv && export_csv(&set, csv) != LS_OK)
        write_failed = 1;
    if (json && export_json(&set, json) != LS_OK)
        write_failed = 1;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (ls_verbosity >= 1)
        fprintf(stderr, "locstat: %zu articles (%zu failed), %zu localities, %zu figures, %.2f s -> %s\n",
                set.n, set.failed, set.nloc, run_figure_count(&set),
                (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
                wrote ? out : "(no workbook)");

    status = !wrote ? EXIT_NOTHING : (set.failed || write_failed) ? EXIT_SOME_FAILED : EXIT_ALL_OK;
    run_set_release(&set);
    run_rules_release(&rules);
    corpus_release(&c);
    rx_cleanup();
    return status;
}
