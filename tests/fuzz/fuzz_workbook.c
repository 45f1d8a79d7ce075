/*
 * fuzz_workbook.c - the saved-workbook reader on whatever a file may hold.
 *
 * Staff's workbook comes back from Excel, WPS, LibreOffice, a mail
 * gateway or a full disk. The reader must refuse or read it, never crash,
 * hang or leak: each input is opened from memory and every sheet is
 * streamed to a callback that touches each cell.
 *
 * With libFuzzer (make fuzz): build/fuzz/fuzz_workbook CORPUS_DIR
 * As a plain program (make test): build/fuzz_workbook_replay DIR|FILE...
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlsxread.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t sink;

static int on_row(void *ctx, unsigned row, const char *const *cells)
{
    (void)ctx;
    sink += row;
    for (size_t i = 0; i < XR_MAX_COLS; i++)
        if (cells[i])
            sink += strlen(cells[i]);
    return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    ls_verbosity = -1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    xr_book *b;
    strbuf why = STRBUF_INIT;
    if (xr_open(&b, NULL, data, size, &why) == LS_OK) {
        for (size_t i = 0; i < xr_sheet_count(b); i++) {
            sink += strlen(xr_sheet_name(b, i));
            why.len = 0;
            xr_read_sheet(b, i, on_row, NULL, &why);
        }
        xr_free(b);
    } else if (!why.len) {
        abort(); /* a refusal always says why */
    }
    sb_release(&why);
    return 0;
}

#ifdef FUZZ_REPLAY
#include "fuzz_replay.h"
#endif
