/* test_text.c - decoding, normalisation, body boundaries and offsets. */
#include "testlib.h"

#include <iconv.h>

#include "text.h"
#include "tmpl.h"

static text_rules *tr;

static int setup(void **state)
{
    (void)state;
    return text_rules_load(&tr, test_templates()) == LS_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    text_rules_free(tr);
    return 0;
}

/* Convert UTF-8 to @p code with iconv; the caller frees. */
static char *encode(const char *code, const char *utf8, size_t *len)
{
    iconv_t cd = iconv_open(code, "UTF-8");
    size_t il = strlen(utf8), ol = il * 4 + 8;
    char *out = xmalloc(ol), *op = out, *ip = (char *)utf8;
    assert_true(cd != (iconv_t)-1);
    assert_true(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
    iconv_close(cd);
    *len = (size_t)(op - out);
    return out;
}

static ls_error read_text(text_doc *doc, const char *data, size_t len, strbuf *why)
{
    sb_release(why);
    return text_read(doc, tr, data, len, why);
}

static const char *sample = "某县开展活动\n全县新建食堂12个，服务老人3000人次。\n";

static void test_encodings(void **state)
{
    static const char *const codes[] = { "GB18030", "UTF-16LE", "UTF-16BE" };
    text_doc ref, doc;
    strbuf why = STRBUF_INIT;
    (void)state;

    assert_int_equal(read_text(&ref, sample, strlen(sample), &why), LS_OK);
    assert_string_equal(ref.encoding, "UTF-8");
    assert_string_equal(ref.title, "某县开展活动");
    for (size_t i = 0; i < 3; i++) {
        size_t len;
        char *enc = encode(codes[i], sample, &len);
        char *data = enc;
        if (i > 0) { /* UTF-16 with its BOM */
            data = xmalloc(len + 2);
            memcpy(data, i == 1 ? "\xFF\xFE" : "\xFE\xFF", 2);
            memcpy(data + 2, enc, len);
            len += 2;
        }
        assert_int_equal(read_text(&doc, data, len, &why), LS_OK);
        assert_true(!strncmp(doc.encoding, codes[i], strlen(codes[i])));
        assert_string_equal(doc.s, ref.s);
        /* offsets point at the same character in the encoded bytes */
        {
            size_t pos = (size_t)(strstr(doc.s, "12") - doc.s);
            size_t off = text_file_offset(&doc, pos);
            if (i == 0)
                assert_memory_equal(data + off, "12", 2);
            else
                assert_memory_equal(data + off, i == 1 ? "1\0" : "\0001", 2);
        }
        text_release(&doc);
        if (data != enc)
            free(data);
        free(enc);
    }
    text_release(&ref);
    sb_release(&why);
}

static void test_utf8_bom_crlf(void **state)
{
    const char *in = "\xEF\xBB\xBF标题\r\n正文有１２个食堂。\r\n";
    text_doc doc;
    strbuf why = STRBUF_INIT;
    (void)state;
    assert_int_equal(read_text(&doc, in, strlen(in), &why), LS_OK);
    assert_string_equal(doc.encoding, "UTF-8 (BOM)");
    assert_null(strchr(doc.s, '\r'));
    assert_non_null(strstr(doc.s, "正文有12个食堂。"));
    /* the full-width digits map back to their own bytes */
    assert_int_equal(text_file_offset(&doc, (size_t)(strstr(doc.s, "12") - doc.s)),
                     (size_t)(strstr(in, "１２") - in));
    text_release(&doc);
    sb_release(&why);
}

static void test_pinyin_and_t2s(void **state)
{
    const char *trad = "標題\n社區(qū)組織(zhī)誌願者開展服務(wù)，兩個(gè)項目。(套)不動\n";
    const char *simp = "乾安县新闻\n乾安县组织志愿者开展服务，两个项目。\n";
    text_doc doc;
    strbuf why = STRBUF_INIT;
    (void)state;
    assert_int_equal(read_text(&doc, trad, strlen(trad), &why), LS_OK);
    assert_true(doc.traditional);
    assert_non_null(strstr(doc.s, "社区组织志愿者开展服务,两个项目。(套)不动"));
    text_release(&doc);
    /* simplified text is left alone: t2s would turn 乾安县 into 干安县 */
    assert_int_equal(read_text(&doc, simp, strlen(simp), &why), LS_OK);
    assert_false(doc.traditional);
    assert_non_null(strstr(doc.s, "乾安县组织"));
    text_release(&doc);
    sb_release(&why);
}

static void test_body_end_and_title(void **state)
{
    const char *in = "好消息\n好消息好消息\n正文第一段有5个站点。\n来源:某某日报\n版权声明:转载请注明\n相关推荐\n阅读123次\n";
    text_doc doc;
    strbuf why = STRBUF_INIT;
    (void)state;
    assert_int_equal(read_text(&doc, in, strlen(in), &why), LS_OK);
    assert_string_equal(doc.title, "好消息");
    assert_null(strstr(doc.s, "版权"));
    assert_null(strstr(doc.s, "123"));
    assert_null(strstr(doc.s, "好消息好消息"));
    assert_string_equal(doc.source, "某某日报");
    text_release(&doc);
    sb_release(&why);
}

/* A byline is metadata; a story sentence that opens with 记者 is not. */
static void test_byline(void **state)
{
    const char *in = "标题\n记者 张三\n通讯员 王五 赵六\n"
                     "记者从某县获悉，今年以来全县发放养老补贴120万元。\n";
    text_doc doc;
    strbuf why = STRBUF_INIT;
    size_t kinds[LINE_META + 1] = { 0 };
    (void)state;
    assert_int_equal(read_text(&doc, in, strlen(in), &why), LS_OK);
    for (size_t k = 0; k < doc.nlines; k++)
        kinds[doc.lines[k].kind]++;
    assert_int_equal(kinds[LINE_META], 2);
    assert_int_equal(kinds[LINE_BODY], 1);
    assert_non_null(strstr(doc.s, "发放养老补贴120万元"));
    assert_non_null(doc.reporter);
    assert_string_equal(doc.reporter, "张三");
    text_release(&doc);
    sb_release(&why);
}

/* Page furniture after the story ends it, in either script. */
static void test_page_furniture(void **state)
{
    static const char *const in[] = {
        "標題\n驛站累計服務1.8萬人次。\n版權所有：某市融媒體中心\n熱門推薦\n酸菜魚168元一份\n",
        "标题\n驿站累计服务1.8万人次。\nCOPYRIGHT 2024 某市融媒体中心\n酸菜鱼168元一份\n",
        "标题\n驿站累计服务1.8万人次。\n猜你喜欢\n酸菜鱼168元一份\n",
    };
    (void)state;
    for (size_t i = 0; i < sizeof(in) / sizeof(*in); i++) {
        text_doc doc;
        strbuf why = STRBUF_INIT;
        assert_int_equal(read_text(&doc, in[i], strlen(in[i]), &why), LS_OK);
        assert_non_null(strstr(doc.s, "1.8万人次"));
        assert_null(strstr(doc.s, "168"));
        text_release(&doc);
        sb_release(&why);
    }
}

/* The top of a page: the headline is the line nearest above its dateline,
 * whatever the site put above it; the date comes out as YYYY-MM-DD. */
static void test_headline_and_date(void **state)
{
    static const struct {
        const char *in, *title, *date;
    } pages[] = {
        /* a breadcrumb, a share button, then the headline: no dateline */
        { "您的位置:本站>要闻>民生\n分享\n社区食堂开进小区\n今年新建食堂6个。\n",
          "社区食堂开进小区", NULL },
        /* a site's name and a place above the headline, a labelled date */
        { "某某在线\n东湖区\n老年大学新学期开课\n发布时间:2021-3-8 来源:某某在线\n开设课程30门。\n",
          "老年大学新学期开课", "2021-03-08" },
        /* a printed date with a time and a source, in traditional script */
        { "首頁>新聞>本地\n長者飯堂今起開業\n2023年11月02日 09:30 | 來源:某報\n每餐只需5元。\n",
          "长者饭堂今起开业", "2023-11-02" },
        /* a date alone at the head of its line */
        { "【托育服务进社区】\n2020/06/15 来源: 某区政府网\n新增托位200个。\n",
          "【托育服务进社区】", "2020-06-15" },
        /* a subtitle with a list of clauses is not the headline */
        { "就业驿站遍地开花\n全区建成驿站20个,服务群众1万人次\n2022-01-05 来源:某报\n正文。\n",
          "就业驿站遍地开花", "2022-01-05" },
        /* the source first, then the date, on one line */
        { "某区政府网\n就业服务送到家门口\n来源:某某网 2024-06-21\n今年举办招聘会6场。\n",
          "就业服务送到家门口", "2024-06-21" },
        /* a dateline above the headline */
        { "2024-05-20 08:00\n社区托育点正式开园\n全区新增托位120个。\n", "社区托育点正式开园",
          "2024-05-20" },
        /* a photo caption with its credit at the top is no headline, and
         * is not glued onto the story's first sentence */
        { "院长为社区健康守护站揭牌。图:某某医院提供\n医院设立健康守护站12个。\n",
          "医院设立健康守护站12个", NULL },
        /* no date printed: an event date in the story is not one */
        { "某街道开展义诊\n3月5日,街道开展义诊活动2次。\n", "某街道开展义诊", NULL },
    };
    (void)state;
    for (size_t i = 0; i < sizeof(pages) / sizeof(*pages); i++) {
        text_doc doc;
        strbuf why = STRBUF_INIT;
        assert_int_equal(read_text(&doc, pages[i].in, strlen(pages[i].in), &why), LS_OK);
        assert_non_null(doc.title);
        assert_string_equal(doc.title, pages[i].title);
        if (pages[i].date)
            assert_string_equal(doc.date ? doc.date : "(none)", pages[i].date);
        else
            assert_null(doc.date);
        text_release(&doc);
        sb_release(&why);
    }
}

/* Editor lines at the top of a page are furniture; the story under them
 * is read, and the same lines under the story still end it. */
static void test_end_marker_at_top(void **state)
{
    const char *in = "初审编辑:张三\n责任编辑:李四\n"
                     "今年以来,街道新建养老服务站3个,服务老人2000余人次。\n"
                     "责任编辑:李四\n酸菜鱼168元一份\n";
    text_doc doc;
    strbuf why = STRBUF_INIT;
    (void)state;
    assert_int_equal(read_text(&doc, in, strlen(in), &why), LS_OK);
    assert_non_null(strstr(doc.s, "养老服务站3个"));
    assert_null(strstr(doc.s, "168"));
    text_release(&doc);
    sb_release(&why);
}

static void test_broken_paragraph(void **state)
{
    const char *in = "标题\n\n社区依托服务中心开展了多种活动，丰富了居民的文化\n\n社区开展活动。\n\n生活，累计服务500人次。\n";
    text_doc doc;
    strbuf why = STRBUF_INIT;
    (void)state;
    assert_int_equal(read_text(&doc, in, strlen(in), &why), LS_OK);
    /* the caption that broke the paragraph moves after it */
    assert_non_null(strstr(doc.s, "居民的文化生活,累计服务500人次。\n社区开展活动。"));
    text_release(&doc);
    sb_release(&why);
}

static void test_bad_input(void **state)
{
    static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10";
    const char *trunc = "标题\n正文有12个\xE9\xA3";
    text_doc doc;
    strbuf why = STRBUF_INIT;
    (void)state;

    assert_int_equal(read_text(&doc, "", 0, &why), LS_ERR_EMPTY);
    text_release(&doc);
    assert_int_equal(read_text(&doc, png, sizeof(png) - 1, &why), LS_ERR_BINARY);
    assert_non_null(strstr(why.buf, "binary"));
    text_release(&doc);
    assert_int_equal(read_text(&doc, "\n \n\t\n", 5, &why), LS_ERR_EMPTY);
    text_release(&doc);
    /* truncated UTF-8: the whole characters are kept, with a warning */
    assert_int_equal(read_text(&doc, trunc, strlen(trunc), &why), LS_OK);
    assert_non_null(doc.warnings);
    assert_non_null(strstr(doc.warnings, "truncated UTF-8"));
    text_release(&doc);
    sb_release(&why);
}

static void test_spans(void **state)
{
    const char *in = "标题\n第一句有3个,第二句有4个。第三句!\n";
    text_doc doc;
    strbuf why = STRBUF_INIT;
    size_t a, b, pos;
    (void)state;
    assert_int_equal(read_text(&doc, in, strlen(in), &why), LS_OK);
    pos = (size_t)(strstr(doc.s, "4个") - doc.s);
    text_span(&doc, pos, 0, &a, &b);
    assert_memory_equal(doc.s + a, "第一句有3个,第二句有4个。", b - a);
    text_span(&doc, pos, 1, &a, &b);
    assert_memory_equal(doc.s + a, "第二句有4个。", b - a);
    text_release(&doc);
    sb_release(&why);
}

/* text_span as it was written first, a character at a time: the byte
 * scan must cut every span where this does. */
static void span_reference(const text_doc *doc, size_t pos, int clause, size_t *start,
                           size_t *end)
{
    const text_line *l = &doc->lines[text_line_at(doc, pos)];
    size_t a = pos, b = pos;
    size_t lo = pos - l->start > TEXT_SPAN_MAX ? pos - TEXT_SPAN_MAX : l->start;
    size_t hi = l->end - pos > TEXT_SPAN_MAX ? pos + TEXT_SPAN_MAX : l->end;
    const char *s = doc->s;
#define STOP(i) (s[i] == '!' || s[i] == '?' || s[i] == ';' || !strncmp(s + (i), "。", 3) || \
                 (clause && (s[i] == ',' || s[i] == ':')))
    while (lo > l->start && ((unsigned char)s[lo] & 0xC0) == 0x80)
        lo++;
    while (hi < l->end && ((unsigned char)s[hi] & 0xC0) == 0x80)
        hi++;
    while (a > lo) {
        size_t p = utf8_prev(s, a);
        if (STOP(p))
            break;
        a = p;
    }
    while (b < hi) {
        int k = STOP(b);
        b += (size_t)utf8_len((unsigned char)s[b]);
        if (k) {
            while (b < l->end && (!strncmp(s + b, "”", 3) || !strncmp(s + b, "’", 3)))
                b += 3;
            break;
        }
    }
#undef STOP
    *start = a;
    *end = b;
}

/* Every position of text full of stops, quotes, characters sharing 。's
 * lead byte (、〈「 and the like) and a line longer than the span window:
 * the same spans, sentence and clause, as the reference. */
static void test_span_bytes(void **state)
{
    strbuf in = STRBUF_INIT, why = STRBUF_INIT;
    text_doc doc;
    (void)state;
    sb_addstr(&in, "标题\n");
    sb_addstr(&in, "第一句有3个,第二句有4个。”他说:“好!”第三句?a;b,c。。、〈「」〉。’结尾\n");
    sb_addstr(&in, "。开头就停,\n,\n");
    for (int i = 0; i < 90; i++)
        sb_addstr(&in, i % 17 ? "很长的一句没有停顿" : "停。");
    sb_addstr(&in, "\n最后一行有5个人");
    assert_int_equal(read_text(&doc, in.buf, in.len, &why), LS_OK);
    for (size_t pos = 0; pos < doc.len; pos += (size_t)utf8_len((unsigned char)doc.s[pos])) {
        if (doc.s[pos] == '\n')
            continue;
        for (int clause = 0; clause < 2; clause++) {
            size_t a, b, ra, rb;
            text_span(&doc, pos, clause, &a, &b);
            span_reference(&doc, pos, clause, &ra, &rb);
            if (a != ra || b != rb)
                fail_msg("at %zu (clause %d): [%zu, %zu) want [%zu, %zu)", pos, clause, a, b, ra,
                         rb);
        }
    }
    text_release(&doc);
    sb_release(&in);
    sb_release(&why);
}

/* GB18030 characters are remembered between articles: a second article
 * reads byte for byte, offset for offset, as the first did and as a
 * reading without memory (text_decode) does, and a bad byte is said the
 * same way each time. */
static void test_gb18030_memo(void **state)
{
    const char *utf8 = "县里ABC 123，服务老人3000人次；€ 𠀀 ㄅ 丂 龥。\n第二行：发放补贴4.6万元\n";
    size_t len, dlen;
    char *gb = encode("GB18030", utf8, &len), *dec;
    const char *enc;
    strbuf why = STRBUF_INIT;
    (void)state;
    for (int round = 0; round < 2; round++) {
        text_doc doc;
        assert_int_equal(read_text(&doc, gb, len, &why), LS_OK);
        assert_string_equal(doc.encoding, "GB18030");
        assert_int_equal(doc.raw_len, strlen(utf8));
        assert_memory_equal(doc.raw, utf8, doc.raw_len);
        assert_int_equal(doc.raw_off[3], 2);    /* 里 after the two bytes of 县 */
        assert_int_equal(doc.raw_off[6], 4);    /* A */
        assert_int_equal(doc.raw_off[doc.raw_len], len);
        text_release(&doc);
    }
    assert_int_equal(text_decode(gb, len, &dec, &dlen, &enc, &why), LS_OK);
    assert_int_equal(dlen, strlen(utf8));
    assert_memory_equal(dec, utf8, dlen);
    free(dec);
    {
        /* a lead byte without a trail byte it takes, twice */
        char bad[64];
        size_t blen = 0;
        memcpy(bad, gb, 8);
        blen = 8;
        bad[blen++] = (char)0x81;
        bad[blen++] = 0x20;
        memcpy(bad + blen, gb + 8, 10);
        blen += 10;
        for (int round = 0; round < 2; round++) {
            text_doc doc;
            assert_int_equal(read_text(&doc, bad, blen, &why), LS_ERR_ENCODING);
            assert_non_null(strstr(why.buf, "invalid GB18030 byte 0x81 at offset 8"));
            text_release(&doc);
        }
    }
    sb_release(&why);
    free(gb);
}

/* Rules of one kind are asked as one alternation: it matches where one
 * of them does, and is not made where a rule would change its meaning. */
static void test_any_of(void **state)
{
    const char *src[] = { "本报讯", "^记者\\s*\\S+", "(\\d)\\1", "(?<y>\\d{4})年", "a(*COMMIT)b" };
    pcre2_code *re[5], *any;
    pcre2_match_data *md = pcre2_match_data_create(4, NULL);
    (void)state;

    for (int i = 0; i < 5; i++)
        re[i] = tmpl_regex(NULL, NULL, "test", src[i], 0);
    any = rx_any_of(src, re, 2, 0);
    assert_non_null(any);
    assert_true(rx_match(any, "本报讯 某地", strlen("本报讯 某地"), 0, PCRE2_ANCHORED, md) > 0);
    assert_true(rx_match(any, "记者 王某", strlen("记者 王某"), 0, PCRE2_ANCHORED, md) > 0);
    assert_true(rx_match(any, "据本报讯", strlen("据本报讯"), 0, 0, md) > 0);
    assert_false(rx_match(any, "据本报讯", strlen("据本报讯"), 0, PCRE2_ANCHORED, md) > 0);
    assert_false(rx_match(any, "某地记者 王某", strlen("某地记者 王某"), 0, 0, md) > 0);
    pcre2_code_free(any);
    /* compiled anchored: matches at the start only, as PCRE2_ANCHORED
     * given at match time would, and keeps the JIT */
    any = rx_any_of(src, re, 2, PCRE2_ANCHORED);
    assert_non_null(any);
    assert_true(rx_match(any, "本报讯 某地", strlen("本报讯 某地"), 0, 0, md) > 0);
    assert_true(rx_match(any, "记者 王某", strlen("记者 王某"), 0, 0, md) > 0);
    assert_false(rx_match(any, "据本报讯", strlen("据本报讯"), 0, 0, md) > 0);
    {
        size_t jit = 0;
        if (!getenv("LOCSTAT_NO_JIT") && pcre2_pattern_info(any, PCRE2_INFO_JITSIZE, &jit) == 0)
            assert_true(jit > 0);
    }
    pcre2_code_free(any);
    assert_null(rx_any_of(src, re, 1, 0)); /* one is asked as it is */
    for (int bad = 2; bad < 5; bad++) {   /* a back reference, a named group, a verb */
        const char *s2[] = { src[0], src[bad] };
        pcre2_code *r2[] = { re[0], re[bad] };
        assert_null(rx_any_of(s2, r2, 2, 0));
    }
    for (int i = 0; i < 5; i++)
        pcre2_code_free(re[i]);
    pcre2_match_data_free(md);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encodings),
        cmocka_unit_test(test_utf8_bom_crlf),
        cmocka_unit_test(test_pinyin_and_t2s),
        cmocka_unit_test(test_body_end_and_title),
        cmocka_unit_test(test_headline_and_date),
        cmocka_unit_test(test_end_marker_at_top),
        cmocka_unit_test(test_byline),
        cmocka_unit_test(test_page_furniture),
        cmocka_unit_test(test_broken_paragraph),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_spans),
        cmocka_unit_test(test_any_of),
        cmocka_unit_test(test_span_bytes),
        cmocka_unit_test(test_gb18030_memo),
    };
    return cmocka_run_group_tests_name("text", tests, setup, teardown);
}
